package io.fogline.cli;

import io.fogline.bench.serving.TrainingBesideServing;
import io.fogline.fetch.DatasetCatalog;
import io.fogline.fetch.Datasets;
import io.fogline.fetch.DownloadListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fogline bench train-beside-serving}: inference latency while a node trains a federated round. */
@Command(
        name = "train-beside-serving",
        mixinStandardHelpOptions = true,
        description = "Serve the Fashion-MNIST MLP from a node to closed-loop clients while nothing trains, while the"
                + " node's training thread trains a federated round's network, and while an unconfined trainer does;"
                + " writes p50/p99 and throughput of each into the report.")
final class TrainBesideServingBenchCommand implements Callable<Integer> {

    @Option(names = "--clients", defaultValue = "2", description = "Closed-loop clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--window", defaultValue = "10", description = "Seconds per window (default ${DEFAULT-VALUE}).")
    long window;

    @Option(
            names = "--warm-up",
            defaultValue = "2",
            description = "Seconds before each window (default ${DEFAULT-VALUE}).")
    long warmup;

    @Option(
            names = "--repetitions",
            defaultValue = "3",
            description = "Windows per phase, interleaved (default ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(
            names = "--examples",
            defaultValue = "2000",
            description = "The node's local training examples (default ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--data", description = "Fashion-MNIST directory (default: found or fetched as `train` does).")
    Path data;

    @Option(
            names = "--work",
            defaultValue = "target/bench-train-beside-serving",
            description = "Where the served model goes (default ${DEFAULT-VALUE}).")
    Path work;

    @Option(
            names = "--report",
            defaultValue = "docs/benchmarks.md",
            converter = ReportFileConverter.class,
            description = "Report whose section is rewritten (default ${DEFAULT-VALUE}; none: print only).")
    Path report;

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || window < 1 || warmup < 0 || repetitions < 1 || examples < 32) {
            throw UserError.usage("--clients, --window and --repetitions must be at least 1, --warm-up not negative"
                    + " and --examples at least 32");
        }
        Path directory = Datasets.fromEnvironment()
                .resolve(DatasetCatalog.FASHION_MNIST, data, DownloadListener.printing(System.out))
                .directory();
        TrainingBesideServing.run(
                new TrainingBesideServing.Options(
                        directory,
                        work,
                        report,
                        clients,
                        Duration.ofSeconds(warmup),
                        Duration.ofSeconds(window),
                        repetitions,
                        examples),
                System.out);
        return 0;
    }
}

package io.fogline.cli;

import io.fogline.bench.federated.FederatedBenchmark;
import io.fogline.bench.federated.FederatedOptions;
import io.fogline.bench.federated.FederatedSimulation;
import io.fogline.core.federated.UpdateEncoding;
import io.fogline.fetch.DatasetCatalog;
import io.fogline.fetch.Datasets;
import io.fogline.fetch.DownloadListener;
import io.fogline.learn.federated.RoundConfig;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.train.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fogline bench federated}: federated learning on Fashion-MNIST, robust strategies under attack, compression. */
@Command(
        name = "federated",
        mixinStandardHelpOptions = true,
        description = {
            "Train a Fashion-MNIST classifier federated, with many clients in this process running the code nodes and"
                    + " the control plane run: IID, Dirichlet and label-shard splits, attacking clients against each"
                    + " robust strategy, compressed updates against FP32, a centrally trained peer, and the"
                    + " aggregators' time and heap over many stored updates. Prints a line per round, rewrites a"
                    + " section of the report and a PNG of accuracy per round after every run."
        })
final class FederatedBenchCommand implements Callable<Integer> {

    @Option(
            names = "--scenarios",
            split = ",",
            defaultValue = "central,iid,shards,dirichlet,sign-flip,label-flip,gaussian,compression,memory",
            description = "What to run, in order (default ${DEFAULT-VALUE}); also: custom (see --partition).")
    List<String> scenarios;

    @Option(names = "--model", defaultValue = "mlp:256,128", description = "Architecture (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--clients", defaultValue = "10", description = "Clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rounds", defaultValue = "20", description = "Rounds per run (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--local-epochs", defaultValue = "1", description = "Local epochs (default ${DEFAULT-VALUE}).")
    int localEpochs;

    @Option(names = "--batch", defaultValue = "32", description = "Local batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--optimizer",
            defaultValue = "sgd",
            description = "Local optimizer, sgd or adam (default ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(
            names = "--learning-rate",
            defaultValue = "0.05",
            description = "Local learning rate of the first round (default ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Local SGD momentum (default ${DEFAULT-VALUE}).")
    double momentum;

    @Option(
            names = "--constant-rate",
            description = "Keep the local learning rate constant instead of a cosine over the rounds.")
    boolean constantRate;

    @Option(
            names = "--server",
            defaultValue = "sgd",
            description = "Server optimizer: sgd[:RATE[:MOMENTUM]] or adam[:RATE] (default ${DEFAULT-VALUE}: FedAvg).")
    String server;

    @Option(
            names = "--norm-screen",
            defaultValue = "10",
            description = "Refuse updates longer than this many times the round's median; 0 for none"
                    + " (default ${DEFAULT-VALUE}).")
    double normScreen;

    @Option(
            names = "--attack-fraction",
            defaultValue = "0.2",
            description = "Share of attacking clients in the attack scenarios (default ${DEFAULT-VALUE}).")
    double attackFraction;

    @Option(
            names = "--attack-scale",
            defaultValue = "6",
            description = "How many times its own update's length a sign-flipping or noise-sending client sends"
                    + " (default ${DEFAULT-VALUE}: under the norm screen).")
    double attackScale;

    @Option(
            names = "--partition",
            defaultValue = "iid",
            description = "custom scenario: iid, dirichlet:ALPHA, classes:K (#C=K) or shards:K"
                    + " (default ${DEFAULT-VALUE}).")
    String partition;

    @Option(
            names = "--attack",
            defaultValue = "none",
            description = "custom scenario: none, label-flip, sign-flip[:SCALE] or gaussian[:SCALE]"
                    + " (default ${DEFAULT-VALUE}).")
    String attack;

    @Option(
            names = "--strategies",
            split = ",",
            defaultValue = "fedavg",
            description = "custom scenario: fedavg, fedprox:MU, median, trimmed-mean:BETA, krum:F, multi-krum:F:M,"
                    + " any with +norm-bound:M (default ${DEFAULT-VALUE}).")
    List<String> strategies;

    @Option(
            names = "--encodings",
            split = ",",
            defaultValue = "fp32",
            description = "custom scenario: fp32, int8[:BLOCK], topk:FRACTION (default ${DEFAULT-VALUE}).")
    List<String> encodings;

    @Option(
            names = "--memory-updates",
            defaultValue = "1000",
            description = "Updates the memory scenario aggregates (default ${DEFAULT-VALUE}).")
    int memoryUpdates;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of everything random (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--data",
            description = "Fashion-MNIST directory (default: Debian's /usr/share/datasets/fashion-mnist, else the user"
                    + " cache, where it is fetched when absent).")
    Path data;

    @Option(
            names = "--work",
            defaultValue = "target/bench-federated",
            description = "Per-round CSV files and the memory scenario's stored updates (default ${DEFAULT-VALUE}).")
    Path work;

    @Option(
            names = "--report",
            defaultValue = "docs/benchmarks.md",
            converter = ReportFileConverter.class,
            description = "Markdown file whose federated section is rewritten (default ${DEFAULT-VALUE}; none: no"
                    + " report file).")
    Path report;

    @Option(
            names = "--section",
            defaultValue = FederatedOptions.DEFAULT_SECTION,
            description = "Title of the report's section this run rewrites (default ${DEFAULT-VALUE}).")
    String section;

    @Option(
            names = "--chart",
            defaultValue = "docs/federated.png",
            description = "PNG to draw (default ${DEFAULT-VALUE}).")
    Path chart;

    @Option(
            names = "--append",
            description = "Join this run's results to those --work holds from earlier or concurrent runs of the same"
                    + " commit and settings (e.g. other scenarios), so the report shows them all.")
    boolean append;

    @Option(
            names = "--rewrite",
            description = "Run nothing: write the report and chart again from the results --work holds (of these"
                    + " settings), e.g. after the report's layout changed.")
    boolean rewrite;

    @Override
    public Integer call() throws Exception {
        FederatedOptions options;
        try {
            if (clients < 1 || rounds < 1 || memoryUpdates < 1 || !(attackFraction >= 0 && attackFraction < 0.5)) {
                throw new IllegalArgumentException("--clients, --rounds and --memory-updates must be at least 1 and"
                        + " --attack-fraction in [0, 0.5)");
            }
            if (!optimizer.equals("sgd") && !optimizer.equals("adam")) {
                throw new IllegalArgumentException("--optimizer is sgd or adam, not " + optimizer);
            }
            RoundConfig local = new RoundConfig(
                    localEpochs,
                    batch,
                    TrainingConfig.OptimizerKind.valueOf(optimizer.toUpperCase(Locale.ROOT)),
                    learningRate,
                    momentum,
                    0,
                    0);
            options = new FederatedOptions(
                    scenarios,
                    Datasets.fromEnvironment()
                            .resolve(DatasetCatalog.FASHION_MNIST, data, DownloadListener.printing(System.out))
                            .directory(),
                    new FederatedSimulation.Setup(
                            ModelSpec.parse(model), clients, rounds, local, !constantRate, server, normScreen, seed),
                    attackFraction,
                    attackScale,
                    new FederatedOptions.Custom(
                            partition,
                            attack,
                            strategies,
                            encodings.stream().map(UpdateEncoding::parse).toList()),
                    memoryUpdates,
                    work,
                    report,
                    section,
                    chart,
                    append,
                    rewrite);
            FederatedBenchmark.validate(options);
        } catch (IllegalArgumentException e) {
            System.err.println("fogline: " + e.getMessage());
            return 2;
        }
        FederatedBenchmark.run(options, System.out);
        return 0;
    }
}

package io.fogline.cli;

import io.fogline.bench.delta.DeltaBenchmark;
import io.fogline.fetch.DatasetCatalog;
import io.fogline.fetch.Datasets;
import io.fogline.fetch.DownloadListener;
import io.fogline.learn.model.ModelSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fogline bench delta}: the bytes a delta update sends for a fine-tuned and for a retrained model. */
@Command(
        name = "delta",
        mixinStandardHelpOptions = true,
        description = {
            "Train a Fashion-MNIST model, then fine-tune its last layer, fine-tune every layer and retrain it; measure"
                    + " the delta each later version ships as against the first, rebuild it as a node does, and write"
                    + " the table into a report."
        })
final class DeltaBenchCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "mlp:256,128", description = "Model (default ${DEFAULT-VALUE}).")
    String model;

    @Option(
            names = "--epochs",
            defaultValue = "3",
            description = "Epochs of the base and of the retrained version (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--fine-tune-epochs",
            defaultValue = "1",
            description = "Epochs of the fine-tuned versions (default ${DEFAULT-VALUE}).")
    int fineTuneEpochs;

    @Option(names = "--seed", defaultValue = "1", description = "Training seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--data",
            description = "Fashion-MNIST directory (default: Debian's /usr/share/datasets/fashion-mnist, else the user"
                    + " cache, where it is fetched when absent).")
    Path data;

    @Option(
            names = "--report",
            defaultValue = "docs/benchmarks.md",
            converter = ReportFileConverter.class,
            description =
                    "Markdown file whose delta section is rewritten (default ${DEFAULT-VALUE}; none: print" + " only).")
    Path report;

    @Override
    public Integer call() throws Exception {
        ModelSpec.parse(model);
        if (epochs < 1 || fineTuneEpochs < 1) {
            throw UserError.usage("--epochs and --fine-tune-epochs must be at least 1");
        }
        Path dataDirectory = Datasets.fromEnvironment()
                .resolve(DatasetCatalog.FASHION_MNIST, data, DownloadListener.printing(System.out))
                .directory();
        DeltaBenchmark.run(
                new DeltaBenchmark.Options(dataDirectory, model, epochs, fineTuneEpochs, seed, report), System.out);
        return 0;
    }
}

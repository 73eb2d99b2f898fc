package io.fogline.cli;

import io.fogline.fetch.DatasetCatalog;
import io.fogline.fetch.Datasets;
import io.fogline.fetch.DownloadListener;
import io.fogline.fetch.PinnedDataset;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.optimize.samples.NpyWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fogline datasets}: the datasets training, the demo and the benchmarks read. */
@Command(
        name = "datasets",
        mixinStandardHelpOptions = true,
        description = "Datasets for training, the demo and the benchmarks.",
        subcommands = {DatasetsCommand.Fetch.class, DatasetsCommand.Samples.class})
final class DatasetsCommand {

    /** {@code fogline datasets fetch}: Fashion-MNIST into the user's cache, unless this machine has it. */
    @Command(
            name = "fetch",
            mixinStandardHelpOptions = true,
            description = {
                "Fetch Fashion-MNIST into the user's cache ($FOGLINE_CACHE_DIR, else $XDG_CACHE_HOME/fogline, else"
                        + " ~/.cache/fogline) unless Debian's package has put it in /usr/share/datasets: the pinned"
                        + " package dataset-fashion-mnist (30.9 MB) from a Debian mirror ($FOGLINE_DEBIAN_MIRROR,"
                        + " default http://deb.debian.org/debian), every file checked against its SHA-256. No root,"
                        + " apt or dpkg needed."
            })
    static final class Fetch implements Callable<Integer> {

        @Override
        public Integer call() throws Exception {
            PinnedDataset dataset = DatasetCatalog.FASHION_MNIST;
            Datasets datasets = Datasets.fromEnvironment();
            Optional<Datasets.Found> found = datasets.find(dataset);
            if (found.isPresent()) {
                System.out.printf(
                        "%s is already in %s (%s)%n",
                        dataset.title(),
                        found.get().directory(),
                        found.get().origin() == Datasets.Origin.SYSTEM ? "Debian's package" : "the user's cache");
                return ExitCodes.OK;
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s (%s, %.1f MB) goes to %s%n",
                    dataset.title(),
                    dataset.source().describe(),
                    dataset.source().bytes() / 1e6,
                    datasets.cacheDirectory(dataset));
            datasets.fetch(dataset, DownloadListener.printing(System.out));
            return ExitCodes.OK;
        }
    }

    /** {@code fogline datasets samples}: examples as the {@code .npy} folder {@code optimize quantize} reads. */
    @Command(
            name = "samples",
            mixinStandardHelpOptions = true,
            description = "Write Fashion-MNIST examples as the folder of .npy samples optimize quantize reads for"
                    + " --calibration and --evaluation: input.npy (one row of 784 pixels in [0, 1] per image) and"
                    + " labels.npy.")
    static final class Samples implements Callable<Integer> {

        @Option(names = "--out", required = true, description = "The folder to write, made when absent.")
        Path out;

        @Option(names = "--split", defaultValue = "test", description = "test or train (default ${DEFAULT-VALUE}).")
        String split;

        @Option(names = "--count", description = "The first N examples of the split (default: all of them).")
        Integer count;

        @Option(
                names = "--data",
                description = "Fashion-MNIST directory (default: Debian's /usr/share/datasets/fashion-mnist, else"
                        + " the user cache, where it is fetched when absent).")
        Path data;

        @Override
        public Integer call() throws Exception {
            if (!split.equals("test") && !split.equals("train")) {
                throw UserError.usage("--split is test or train, not '" + split + "'");
            }
            if (count != null && count < 1) {
                throw UserError.usage("--count must be at least 1, not " + count);
            }
            Path directory = Datasets.fromEnvironment()
                    .resolve(DatasetCatalog.FASHION_MNIST, data, DownloadListener.printing(System.out))
                    .directory();
            TrainTest loaded = FashionMnist.load(directory);
            Dataset examples = split.equals("test") ? loaded.test() : loaded.train();
            if (count != null) {
                examples = examples.head(count);
            }
            NpyWriter.labelledSamples(
                    out, OnnxExporter.INPUT_NAME, examples.features(), examples.featureCount(), examples.labels());
            System.out.printf("wrote %,d %s examples to %s%n", examples.size(), split, out);
            return ExitCodes.OK;
        }
    }
}

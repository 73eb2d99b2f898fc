package io.fogline.cli;

import io.fogline.fetch.DatasetCatalog;
import io.fogline.fetch.Datasets;
import io.fogline.fetch.DownloadListener;
import io.fogline.fetch.PinnedDataset;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code fogline datasets}: the datasets training, the demo and the benchmarks read. */
@Command(
        name = "datasets",
        mixinStandardHelpOptions = true,
        description = "Datasets for training, the demo and the benchmarks.",
        subcommands = {DatasetsCommand.Fetch.class})
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
}

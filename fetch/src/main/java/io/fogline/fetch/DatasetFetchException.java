package io.fogline.fetch;

import java.io.IOException;

/** A dataset is nowhere on this machine and could not be fetched; the message says where it looked and what to do. */
public final class DatasetFetchException extends IOException {

    DatasetFetchException(PinnedDataset dataset, Datasets datasets, IOException cause) {
        super(
                dataset.title() + " is in neither " + datasets.systemDirectory(dataset) + " nor "
                        + datasets.cacheDirectory(dataset) + ", and fetching it failed: " + reason(cause)
                        + ". Run `fogline datasets fetch` once "
                        + datasets.locations().mirror()
                        + " answers (FOGLINE_DEBIAN_MIRROR names another Debian mirror, FOGLINE_CACHE_DIR another"
                        + " cache), or install Debian's " + dataset.source().name(),
                cause);
    }

    private static String reason(IOException cause) {
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}

package io.fogline.fetch;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/** Hears how a dataset fetch gets on; calls come on the fetching thread. */
public interface DownloadListener {

    DownloadListener SILENT = new DownloadListener() {};

    /** A download of {@code bytes} starts (or resumes after {@code resumedAt} bytes kept from an earlier try). */
    default void downloading(URI from, long bytes, long resumedAt) {}

    /** Called each time another tenth of the download has arrived. */
    default void progress(long received, long bytes) {}

    /** The files are verified and in place. */
    default void installed(PinnedDataset dataset, Path directory) {}

    /** Says what is fetched from where, then each tenth on one line, then where the verified files went. */
    static DownloadListener printing(PrintStream out) {
        return new DownloadListener() {
            @Override
            public void downloading(URI from, long bytes, long resumedAt) {
                out.printf(
                        Locale.ROOT,
                        "fetching %s (%.1f MB%s) ...%n  ",
                        from,
                        bytes / 1e6,
                        resumedAt > 0 ? String.format(Locale.ROOT, ", resuming after %.1f MB", resumedAt / 1e6) : "");
            }

            @Override
            public void progress(long received, long bytes) {
                out.printf(Locale.ROOT, "%d%%%s", Math.round(100.0 * received / bytes), received >= bytes ? "\n" : " ");
                out.flush();
            }

            @Override
            public void installed(PinnedDataset dataset, Path directory) {
                out.printf("%s verified (SHA-256 of every file) and in %s%n", dataset.title(), directory);
            }
        };
    }
}

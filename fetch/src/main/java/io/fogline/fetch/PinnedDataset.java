package io.fogline.fetch;

import java.util.List;

/**
 * A dataset as Fogline expects it: the files it consists of, each pinned by size and SHA-256, and the Debian package
 * that installs them into {@code /usr/share/datasets/<name>} (Debian's place for datasets).
 *
 * @param directoryInPackage where the package installs the files, without a leading slash
 */
public record PinnedDataset(
        String name, String title, DebianPackage source, String directoryInPackage, List<PinnedFile> files) {

    public record PinnedFile(String name, long bytes, String sha256) {}

    public PinnedDataset {
        files = List.copyOf(files);
    }

    /** The size of its files together. */
    public long bytes() {
        return files.stream().mapToLong(PinnedFile::bytes).sum();
    }
}

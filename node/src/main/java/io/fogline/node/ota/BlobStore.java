package io.fogline.node.ota;

import io.fogline.bundle.BundleException;
import io.fogline.bundle.ManifestFile;
import io.fogline.bundle.Refusal;
import io.fogline.bundle.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Downloaded files by SHA-256: {@code <sha256>} holds exactly those bytes; {@code <sha256>.part} is a download in
 * progress that the next try resumes. A file the node already holds, for any model, is never fetched again.
 */
final class BlobStore {

    private final Path directory;

    BlobStore(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    Path blob(String sha256) {
        return directory.resolve(sha256);
    }

    Path part(String sha256) {
        return directory.resolve(sha256 + ".part");
    }

    boolean has(ManifestFile file) {
        return Files.isRegularFile(blob(file.sha256()));
    }

    /** Completes a download: the part becomes the blob once its bytes are the ones the manifest names. */
    void complete(ManifestFile file) throws IOException, BundleException {
        Path part = part(file.sha256());
        String actual = Sha256.of(part);
        if (!actual.equals(file.sha256())) {
            Files.delete(part);
            throw new BundleException(
                    Refusal.DIGEST_MISMATCH,
                    "'" + file.path() + "' has SHA-256 " + actual + ", the manifest says " + file.sha256());
        }
        try (var channel = java.nio.channels.FileChannel.open(part, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(part, blob(file.sha256()), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes every blob and part not in {@code keep}. */
    void retainOnly(Set<String> keep) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (!keep.contains(name.endsWith(".part") ? name.substring(0, name.length() - 5) : name)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}

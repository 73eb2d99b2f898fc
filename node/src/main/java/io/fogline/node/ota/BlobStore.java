package io.fogline.node.ota;

import io.fogline.bundle.BundleException;
import io.fogline.bundle.ManifestFile;
import io.fogline.bundle.Refusal;
import io.fogline.bundle.Sha256;
import io.fogline.bundle.delta.DeltaException;
import io.fogline.bundle.delta.FileDelta;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    private static final System.Logger LOG = System.getLogger(BlobStore.class.getName());

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

    /** Fetches a delta into the file given; false when there is none. */
    @FunctionalInterface
    interface DeltaSource {
        boolean fetch(Path into) throws IOException;
    }

    /**
     * Rebuilds {@code file} into its part from the blob {@code base} and a delta, which the rebuild checks against the
     * file's SHA-256. False when there is no delta or it does not rebuild the file (malformed, cut short, for other
     * bytes): the part is then gone and the caller downloads the whole file. Network trouble is an {@link IOException}.
     */
    boolean rebuild(ManifestFile file, String base, DeltaSource source) throws IOException {
        Path delta = directory.resolve(file.sha256() + ".delta");
        Path part = part(file.sha256());
        try {
            if (!source.fetch(delta)) {
                return false;
            }
            try (InputStream in = Files.newInputStream(delta);
                    OutputStream out = Files.newOutputStream(part)) {
                FileDelta.apply(blob(base), base, new BufferedInputStream(in), file.sha256(), out);
            }
            LOG.log(
                    System.Logger.Level.INFO,
                    "''{0}'' rebuilt from a delta of {1} bytes instead of {2}",
                    file.path(),
                    Files.size(delta),
                    file.size());
            return true;
        } catch (DeltaException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "the delta for ''{0}'' is refused, the whole file comes instead: {1}",
                    file.path(),
                    e.getMessage());
            Files.deleteIfExists(part);
            return false;
        } finally {
            Files.deleteIfExists(delta);
        }
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
                if (!keep.contains(name.replaceFirst("\\.(part|delta)$", ""))) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}

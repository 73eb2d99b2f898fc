package io.fogline.control.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Bundle files by their SHA-256, one file each under {@code blobs/<first two hex digits>/<sha256>} in the data
 * directory. A blob appears only whole (written aside, then moved into place), so a file that exists is complete, and
 * a file shared by two bundles is stored once.
 */
public final class BlobStore {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path root;

    public BlobStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root.resolve("incoming"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob store at " + root, e);
        }
    }

    public static boolean isDigest(String text) {
        return SHA256.matcher(text).matches();
    }

    /** The stored file of a digest, if there is one. */
    public Optional<Path> find(String sha256) {
        if (!isDigest(sha256)) {
            return Optional.empty();
        }
        Path path = pathOf(sha256);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    /** Stores bytes the caller has already checked against {@code sha256}; a blob stored before is left as it is. */
    public void put(String sha256, InputStream content) throws IOException {
        Path target = pathOf(sha256);
        if (Files.isRegularFile(target)) {
            return;
        }
        Files.createDirectories(target.getParent());
        Path incoming = Files.createTempFile(root.resolve("incoming"), sha256, ".part");
        try {
            Files.copy(content, incoming, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(incoming, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(incoming);
        }
    }

    /** A scratch file for an upload, in the same file system as the blobs. */
    public Path scratch() throws IOException {
        return Files.createTempFile(root.resolve("incoming"), "upload", ".part");
    }

    private Path pathOf(String sha256) {
        return root.resolve(sha256.substring(0, 2)).resolve(sha256);
    }
}

package io.fogline.control.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;

/**
 * Blobs as files under {@code <root>/<first two hex digits>/<sha256>}, written aside and then moved into place, so a
 * file that exists is complete: a control plane alone, on its data directory.
 */
public final class FileBlobStore implements BlobStore {

    private final Path root;

    public FileBlobStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root.resolve("incoming"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob store at " + root, e);
        }
    }

    @Override
    public void put(String sha256, Path file) throws IOException {
        Path target = pathOf(sha256);
        if (Files.isRegularFile(target)) {
            return;
        }
        Files.createDirectories(target.getParent());
        Path incoming = Files.createTempFile(root.resolve("incoming"), sha256, ".part");
        try {
            Files.copy(file, incoming, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(incoming, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(incoming);
        }
    }

    @Override
    public OptionalLong size(String sha256) throws IOException {
        Path path = pathOf(sha256);
        return BlobStore.isDigest(sha256) && Files.isRegularFile(path)
                ? OptionalLong.of(Files.size(path))
                : OptionalLong.empty();
    }

    @Override
    public void read(String sha256, long first, long length, OutputStream out) throws IOException {
        try (FileChannel channel = FileChannel.open(pathOf(sha256))) {
            WritableByteChannel sink = Channels.newChannel(out);
            long sent = 0;
            while (sent < length) {
                sent += channel.transferTo(first + sent, length - sent, sink);
            }
        }
    }

    @Override
    public byte[] bytes(String sha256) throws IOException {
        return Files.readAllBytes(pathOf(sha256));
    }

    private Path pathOf(String sha256) {
        return root.resolve(sha256.substring(0, 2)).resolve(sha256);
    }
}

package io.fogline.control.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Bundle files by their SHA-256. A blob appears only whole, and a file shared by two bundles is stored once. Replicas
 * of a control plane share one store (an S3-compatible bucket) and no disk; one control plane alone keeps its blobs in
 * its data directory.
 */
public interface BlobStore extends AutoCloseable {

    Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    static boolean isDigest(String text) {
        return SHA256.matcher(text).matches();
    }

    /** Stores a file the caller has already checked against {@code sha256}; a blob stored before is left as it is. */
    void put(String sha256, Path file) throws IOException;

    /** The blob's size in bytes, or empty when there is no such blob. */
    OptionalLong size(String sha256) throws IOException;

    /** Writes bytes {@code [first, first + length)} of a blob to {@code out}. */
    void read(String sha256, long first, long length, OutputStream out) throws IOException;

    /** A whole small blob (a bundle's reference statistics). */
    byte[] bytes(String sha256) throws IOException;

    @Override
    default void close() {}
}

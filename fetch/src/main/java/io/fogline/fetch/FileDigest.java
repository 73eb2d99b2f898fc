package io.fogline.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The SHA-256 (lowercase hex) and size of a file's bytes. */
record FileDigest(String sha256, long bytes) {

    static FileDigest of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return copy(in, OutputStream.nullOutputStream(), Long.MAX_VALUE, file.toString());
        }
    }

    /** Copies {@code in} to {@code target} while hashing it, refusing more than {@code maxBytes}. */
    static FileDigest copy(InputStream in, OutputStream target, long maxBytes, String what) throws IOException {
        MessageDigest sha256 = newSha256();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
            if (total > maxBytes) {
                throw new IOException(what + " is over the limit of " + maxBytes + " bytes");
            }
            sha256.update(buffer, 0, n);
            target.write(buffer, 0, n);
        }
        return new FileDigest(HexFormat.of().formatHex(sha256.digest()), total);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}

package io.fogline.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 in the lowercase hex form that content addresses use. */
public final class Sha256 {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private Sha256() {}

    public static String of(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    public static String of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return copy(in, OutputStream.nullOutputStream(), Long.MAX_VALUE).sha256();
        }
    }

    /** True for 64 lowercase hex digits: the only form digests take in manifests and URLs. */
    public static boolean isDigest(String text) {
        return text != null && HEX.matcher(text).matches();
    }

    /** What a copy saw: its SHA-256 and byte count; {@code overLimit} when more than the limit was offered. */
    public record Copied(String sha256, long bytes, boolean overLimit) {}

    /** Copies {@code in} to {@code out} while hashing it; stops after {@code limit} bytes plus one. */
    public static Copied copy(InputStream in, OutputStream out, long limit) throws IOException {
        MessageDigest sha256 = digest();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        long allowed = limit == Long.MAX_VALUE ? limit : limit + 1;
        while (total < allowed) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, allowed - total));
            if (n < 0) {
                return new Copied(HexFormat.of().formatHex(sha256.digest()), total, false);
            }
            sha256.update(buffer, 0, n);
            out.write(buffer, 0, n);
            total += n;
        }
        return new Copied(HexFormat.of().formatHex(sha256.digest()), total, total > limit);
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}

package io.fogline.fetch;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Opens the file tree of a Debian binary package: an {@code ar} archive whose {@code data.tar.xz} (or {@code .gz})
 * member holds the files the package installs. Needs neither dpkg nor root.
 */
final class DebArchive {

    private static final byte[] MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MEMBER_HEADER = 60;

    private DebArchive() {}

    /** The uncompressed tar stream of the package's data member, read from {@code deb}, which the caller closes. */
    static InputStream dataTar(InputStream deb, String what) throws IOException {
        InputStream in = new BufferedInputStream(deb, 64 * 1024);
        if (!java.util.Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) {
            throw new IOException(what + " is not a Debian package (no ar archive header)");
        }
        while (true) {
            byte[] header = in.readNBytes(MEMBER_HEADER);
            if (header.length == 0) {
                throw new IOException(what + " has no data.tar member");
            }
            if (header.length < MEMBER_HEADER) {
                throw new EOFException(what + " is truncated inside a member header");
            }
            String name =
                    new String(header, 0, 16, StandardCharsets.US_ASCII).strip().replaceFirst("/$", "");
            long size = parseSize(header, what);
            switch (name) {
                case "data.tar.xz" -> {
                    return new XZInputStream(new BoundedInputStream(in, size, "its data member"));
                }
                case "data.tar.gz" -> {
                    return new GZIPInputStream(new BoundedInputStream(in, size, "its data member"));
                }
                case "data.tar" -> {
                    return new BoundedInputStream(in, size, "its data member");
                }
                default -> {
                    if (name.startsWith("data.tar")) {
                        throw new IOException(what + " holds its files as " + name + ", which Fogline cannot unpack");
                    }
                    // Members start on even offsets.
                    BoundedInputStream.skipFully(in, size + (size & 1), what + " is truncated");
                }
            }
        }
    }

    private static long parseSize(byte[] header, String what) throws IOException {
        String digits = new String(header, 48, 10, StandardCharsets.US_ASCII).strip();
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IOException(what + " has a corrupt ar member header (size '" + digits + "')");
        }
        return Long.parseLong(digits);
    }
}

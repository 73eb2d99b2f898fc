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

    /** The uncompressed tar stream of the package's data member; closing it closes {@code deb}. */
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
                    return new XZInputStream(new BoundedInputStream(in, size));
                }
                case "data.tar.gz" -> {
                    return new GZIPInputStream(new BoundedInputStream(in, size));
                }
                case "data.tar" -> {
                    return new BoundedInputStream(in, size);
                }
                default -> {
                    if (name.startsWith("data.tar")) {
                        throw new IOException(what + " holds its files as " + name + ", which Fogline cannot unpack");
                    }
                    // Members start on even offsets.
                    skipFully(in, size + (size & 1), what);
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

    private static void skipFully(InputStream in, long count, String what) throws IOException {
        long remaining = count;
        while (remaining > 0) {
            long skipped = in.skip(remaining);
            if (skipped > 0) {
                remaining -= skipped;
            } else if (in.read() >= 0) {
                remaining--;
            } else {
                throw new EOFException(what + " is truncated: " + remaining + " bytes of a member missing");
            }
        }
    }

    /** The bytes of one member, failing when the archive ends before the member does. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long size) {
            this.in = in;
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw new EOFException("its data member ends " + remaining + " bytes early");
            }
            remaining -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}

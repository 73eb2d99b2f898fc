package io.fogline.fetch;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The next {@code size} bytes of an archive: one entry or member. Ends there, and fails with {@link EOFException} when
 * the archive ends first, so a truncated archive never passes for a short entry. Closing it closes nothing.
 */
final class BoundedInputStream extends InputStream {

    private final InputStream in;
    private final String truncated;
    private long remaining;

    /** @param truncated what a cut-short archive is called in the error, before "ends N bytes early" */
    BoundedInputStream(InputStream in, long size, String truncated) {
        this.in = in;
        this.remaining = size;
        this.truncated = truncated;
    }

    long remaining() {
        return remaining;
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
            throw new EOFException(truncated + " ends " + remaining + " bytes early");
        }
        remaining -= n;
        return n;
    }

    /** Reads past {@code count} bytes of {@code in}; {@code truncated} names what ends early, if it does. */
    static void skipFully(InputStream in, long count, String truncated) throws IOException {
        long remaining = count;
        while (remaining > 0) {
            long skipped = in.skip(remaining);
            if (skipped > 0) {
                remaining -= skipped;
            } else if (in.read() >= 0) {
                remaining--;
            } else {
                throw new EOFException(truncated + ": " + remaining + " bytes missing");
            }
        }
    }
}

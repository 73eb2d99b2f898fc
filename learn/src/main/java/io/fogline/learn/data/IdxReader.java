package io.fogline.learn.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST family's format: a big-endian header, then row-major elements), plain or gzip-compressed.
 * Only unsigned-byte elements are supported because every dataset Fogline reads this way stores pixels and labels
 * as bytes.
 */
public final class IdxReader {

    private static final int UNSIGNED_BYTE = 0x08;
    private static final int GZIP_MAGIC = 0x1f8b;
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private IdxReader() {}

    public static IdxArray read(Path file) throws IOException {
        try (BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            return read(decompressIfNeeded(raw), file.toString());
        }
    }

    static IdxArray read(InputStream input, String source) throws IOException {
        DataInputStream in = new DataInputStream(input);
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(source + ": shorter than an IDX header");
        }
        if ((magic >>> 16) != 0) {
            throw new IdxFormatException(source + ": not an IDX file (magic 0x%08x)".formatted(magic));
        }
        int type = (magic >>> 8) & 0xFF;
        int rank = magic & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw new IdxFormatException(
                    source + ": IDX element type 0x%02x is not supported, only unsigned bytes (0x08)".formatted(type));
        }
        if (rank == 0) {
            throw new IdxFormatException(source + ": IDX file declares no dimensions");
        }
        int[] dimensions = new int[rank];
        long elementCount = 1;
        try {
            for (int d = 0; d < rank; d++) {
                dimensions[d] = in.readInt();
                if (dimensions[d] < 0) {
                    throw new IdxFormatException(source + ": negative dimension " + dimensions[d]);
                }
                elementCount *= dimensions[d];
                if (elementCount > MAX_ELEMENTS) {
                    throw new IdxFormatException(source + ": more elements than one array can hold");
                }
            }
        } catch (EOFException e) {
            throw new IdxFormatException(source + ": header ends before its " + rank + " dimensions");
        }
        byte[] elements = new byte[(int) elementCount];
        int read = in.readNBytes(elements, 0, elements.length);
        if (read != elements.length) {
            throw new IdxFormatException(
                    source + ": holds " + read + " of the " + elements.length + " elements its header declares");
        }
        return new IdxArray(dimensions, elements);
    }

    private static InputStream decompressIfNeeded(BufferedInputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        boolean gzip = first >= 0 && second >= 0 && ((first << 8) | second) == GZIP_MAGIC;
        return gzip ? new GZIPInputStream(in, 1 << 16) : in;
    }
}

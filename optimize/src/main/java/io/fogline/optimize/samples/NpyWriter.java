package io.fogline.optimize.samples;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Writes NumPy {@code .npy} files (version 1.0, C order, little-endian), as {@code numpy.save} does. */
public final class NpyWriter {

    private NpyWriter() {}

    /**
     * Writes the sample directory {@link NpySamples} reads for a model of one flat input: {@code <inputName>.npy},
     * {@code count × width} floats, and {@code labels.npy}.
     */
    public static Path labelledSamples(Path directory, String inputName, float[] features, int width, int[] labels)
            throws IOException {
        Files.createDirectories(directory);
        floats(directory.resolve(inputName + ".npy"), features, labels.length, width);
        longs(
                directory.resolve(NpySamples.LABELS_FILE),
                Arrays.stream(labels).asLongStream().toArray(),
                labels.length);
        return directory;
    }

    public static void floats(Path file, float[] values, long... shape) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        write(file, "<f4", shape, data.array());
    }

    public static void longs(Path file, long[] values, long... shape) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        data.asLongBuffer().put(values);
        write(file, "<i8", shape, data.array());
    }

    public static void write(Path file, String descr, long[] shape, byte[] data) throws IOException {
        String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims
                + (shape.length == 1 ? "," : "") + "), }";
        int unpadded = 10 + header.length() + 1;
        header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer prefix = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        prefix.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 0);
        prefix.putShort((short) header.length());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(prefix.array());
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(data);
        }
    }
}

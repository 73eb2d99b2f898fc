package io.fogline.optimize.samples;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a sample set from a directory of NumPy {@code .npy} files, the format calibration data is usually kept in: one
 * file per model input, named after the input ({@code input_ids.npy}), whose first axis counts samples, and optionally
 * {@code labels.npy} with one integer class per sample. Elements may be little-endian float32, int64 or int32 (read as
 * int64).
 */
public final class NpySamples {

    public static final String LABELS_FILE = "labels.npy";

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpySamples() {}

    public static SampleSet read(Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".npy"))
                    .sorted()
                    .toList();
        }
        Map<String, Array> inputs = new HashMap<>();
        int[] labels = new int[0];
        for (Path file : files) {
            String name = file.getFileName().toString();
            Array array = readArray(file);
            if (name.equals(LABELS_FILE)) {
                labels = array.labels(file);
            } else {
                inputs.put(name.substring(0, name.length() - ".npy".length()), array);
            }
        }
        if (inputs.isEmpty()) {
            throw new NpyFormatException(directory + " holds no <input name>.npy files to take samples from");
        }
        long count = inputs.values().iterator().next().shape()[0];
        for (Map.Entry<String, Array> input : inputs.entrySet()) {
            if (input.getValue().shape()[0] != count) {
                throw new NpyFormatException(directory + ": " + input.getKey() + ".npy holds "
                        + input.getValue().shape()[0] + " samples, another input " + count);
            }
        }
        List<Sample> samples = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            Map<String, InputTensor> tensors = new HashMap<>();
            for (Map.Entry<String, Array> input : inputs.entrySet()) {
                tensors.put(input.getKey(), input.getValue().sample(s));
            }
            samples.add(new Sample(tensors));
        }
        return new SampleSet(samples, labels);
    }

    /** One array: its shape (first axis: samples) and its elements as floats or longs. */
    record Array(long[] shape, float[] floats, long[] longs) {

        int sampleSize() {
            long size = 1;
            for (int d = 1; d < shape.length; d++) {
                size *= shape[d];
            }
            return Math.toIntExact(size);
        }

        InputTensor sample(int index) {
            long[] sampleShape = shape.clone();
            sampleShape[0] = 1;
            int size = sampleSize();
            return floats != null
                    ? new InputTensor.Floats(sampleShape, Arrays.copyOfRange(floats, index * size, (index + 1) * size))
                    : new InputTensor.Longs(sampleShape, Arrays.copyOfRange(longs, index * size, (index + 1) * size));
        }

        int[] labels(Path file) throws NpyFormatException {
            if (longs == null || shape.length != 1) {
                throw new NpyFormatException(file + ": labels must be a 1-D integer array");
            }
            return Arrays.stream(longs).mapToInt(Math::toIntExact).toArray();
        }
    }

    static Array readArray(Path file) throws IOException {
        try (InputStream stream = Files.newInputStream(file)) {
            DataInputStream in = new DataInputStream(stream);
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new NpyFormatException(file + " is not a .npy file (no \\x93NUMPY magic)");
            }
            int major = in.readUnsignedByte();
            in.readUnsignedByte();
            int headerLength = major == 1
                    ? Short.toUnsignedInt(Short.reverseBytes(in.readShort()))
                    : Integer.reverseBytes(in.readInt());
            String header = new String(in.readNBytes(headerLength), StandardCharsets.ISO_8859_1);
            String descr = find(DESCR, header, file, "descr");
            if (find(FORTRAN, header, file, "fortran_order").equals("True")) {
                throw new NpyFormatException(file + ": Fortran-ordered arrays are not supported, save it C-ordered");
            }
            long[] shape = parseShape(find(SHAPE, header, file, "shape"), file);
            int count = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
            return switch (descr) {
                case "<f4" -> new Array(shape, floats(elements(in, count, 4, file), count), null);
                case "<i8" -> new Array(shape, null, longs(elements(in, count, 8, file), count, 8));
                case "<i4" -> new Array(shape, null, longs(elements(in, count, 4, file), count, 4));
                default ->
                    throw new NpyFormatException(
                            file + ": element type " + descr + " is not supported; use float32, int64 or int32");
            };
        } catch (EOFException e) {
            throw new NpyFormatException(file + " ends inside its header");
        }
    }

    private static ByteBuffer elements(DataInputStream in, int count, int width, Path file) throws IOException {
        byte[] bytes = in.readNBytes(Math.multiplyExact(count, width));
        if (bytes.length != count * width) {
            throw new NpyFormatException(
                    file + " holds " + bytes.length / width + " of the " + count + " elements its header declares");
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static float[] floats(ByteBuffer bytes, int count) {
        float[] values = new float[count];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    private static long[] longs(ByteBuffer bytes, int count, int width) {
        long[] values = new long[count];
        for (int k = 0; k < count; k++) {
            values[k] = width == 8 ? bytes.getLong() : bytes.getInt();
        }
        return values;
    }

    private static long[] parseShape(String text, Path file) throws NpyFormatException {
        long[] shape = Arrays.stream(text.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong)
                .toArray();
        if (shape.length == 0) {
            throw new NpyFormatException(file + ": a scalar is not a set of samples");
        }
        return shape;
    }

    private static String find(Pattern pattern, String header, Path file, String key) throws NpyFormatException {
        Matcher matcher = pattern.matcher(header);
        if (!matcher.find()) {
            throw new NpyFormatException(file + ": header has no " + key + ": " + header.strip());
        }
        return matcher.group(1);
    }
}

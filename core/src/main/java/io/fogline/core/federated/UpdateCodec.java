package io.fogline.core.federated;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The binary form of a {@link ModelUpdate}, the body a node uploads at the end of a federated round. Little-endian:
 *
 * <pre>
 * "FLUP" · version 1 (u8) · encoding (u8: 0 FP32, 1 INT8, 2 top-k)
 * job length (u8) · job (ASCII) · round (i32) · example count (i64)
 * metric count (u8) · { name length (u8) · name (ASCII) · value (f64) } · dimension (i32)
 * FP32:  dimension × f32
 * INT8:  block size (i32) · ⌈dimension / block⌉ × scale (f32) · dimension × value (i8, −127..127)
 * top-k: kept count (i32) · kept × index gap (unsigned LEB128, minimal) · kept × value (f32)
 * </pre>
 *
 * Top-k indices ascend strictly; each gap is the distance to the previous index less one (the first is the index). A
 * decoded coordinate of INT8 is {@code value × scale}. Decoding is bounded: it checks every length against the bytes
 * that are there before allocating, refuses trailing bytes, and gives each body exactly one reading.
 */
public final class UpdateCodec {

    static final byte[] MAGIC = {'F', 'L', 'U', 'P'};
    static final int VERSION = 1;
    public static final int MAX_JOB_LENGTH = 64;
    public static final int MAX_METRICS = 16;
    public static final int MAX_METRIC_NAME = 32;

    private static final Pattern JOB = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_JOB_LENGTH + "}");
    private static final Pattern METRIC = Pattern.compile("[a-z0-9_]{1," + MAX_METRIC_NAME + "}");

    private UpdateCodec() {}

    public static byte[] encode(ModelUpdate update, UpdateEncoding encoding) {
        checkHeader(update);
        float[] delta = update.delta();
        byte[] job = update.job().getBytes(StandardCharsets.US_ASCII);
        int headerSize = 4 + 1 + 1 + 1 + job.length + 4 + 8 + 1 + 4;
        for (String name : update.metrics().keySet()) {
            headerSize += 1 + name.length() + 8;
        }
        return switch (encoding) {
            case UpdateEncoding.Fp32 fp32 -> {
                ByteBuffer out = header(update, fp32, job, headerSize + 4L * delta.length);
                out.asFloatBuffer().put(delta);
                yield out.array();
            }
            case UpdateEncoding.Int8 int8 -> int8(update, int8, job, headerSize);
            case UpdateEncoding.TopK topK -> topK(update, topK, job, headerSize);
        };
    }

    /** Reads the header of a body; the delta is left for {@link #decode}. */
    public static UpdateHeader decodeHeader(byte[] body, int length) {
        Reader in = new Reader(body, length);
        for (int k = 0; k < MAGIC.length; k++) {
            if (in.u8("magic") != (MAGIC[k] & 0xff)) {
                throw new MalformedUpdateException("not an update: the body does not begin with FLUP");
            }
        }
        int version = in.u8("version");
        if (version != VERSION) {
            throw new MalformedUpdateException(
                    "update format version " + version + " is unknown; this build reads " + VERSION);
        }
        int tag = in.u8("encoding");
        String job = in.ascii(in.u8("job length"), JOB, "job");
        int round = in.i32("round");
        if (round < 1) {
            throw in.malformed("round " + round + " must be at least 1", 4);
        }
        long examples = in.i64("example count");
        if (examples < 0) {
            throw in.malformed("example count " + examples + " must not be negative", 8);
        }
        int metricCount = in.u8("metric count");
        if (metricCount > MAX_METRICS) {
            throw in.malformed("an update carries at most " + MAX_METRICS + " metrics, not " + metricCount, 1);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int m = 0; m < metricCount; m++) {
            String name = in.ascii(in.u8("metric name length"), METRIC, "metric name");
            if (metrics.put(name, in.f64("metric " + name)) != null) {
                throw in.malformed("metric " + name + " appears twice", 8);
            }
        }
        int dimension = in.i32("dimension");
        if (dimension < 1) {
            throw in.malformed("dimension " + dimension + " must be at least 1", 4);
        }
        int payloadOffset = in.position;
        UpdateEncoding encoding =
                switch (tag) {
                    case 0 -> UpdateEncoding.fp32();
                    case 1 -> {
                        int block = in.i32("INT8 block size");
                        if (block < 1 || block > UpdateEncoding.Int8.MAX_BLOCK) {
                            throw in.malformed(
                                    "INT8 block size " + block + " is outside 1.." + UpdateEncoding.Int8.MAX_BLOCK, 4);
                        }
                        yield new UpdateEncoding.Int8(block);
                    }
                    case 2 -> {
                        int kept = in.i32("top-k count");
                        if (kept < 1 || kept > dimension) {
                            throw in.malformed("top-k count " + kept + " is outside 1.." + dimension, 4);
                        }
                        yield new UpdateEncoding.TopK((double) kept / dimension);
                    }
                    default ->
                        throw new MalformedUpdateException(
                                "encoding " + tag + " at byte 5 is unknown: 0 FP32, 1 INT8 and 2 top-k are");
                };
        return new UpdateHeader(job, round, examples, metrics, encoding, dimension, payloadOffset);
    }

    /**
     * Decodes a whole body.
     *
     * @param maxDimension the most coordinates the reader will allocate for: a top-k body of a few bytes may claim any
     *     dimension
     */
    public static ModelUpdate decode(byte[] body, int length, int maxDimension) {
        UpdateHeader header = decodeHeader(body, length);
        if (header.dimension() > maxDimension) {
            throw new MalformedUpdateException(
                    "dimension " + header.dimension() + " is over the " + maxDimension + " this reader accepts");
        }
        return decode(body, length, header);
    }

    /**
     * Decodes the delta of a body whose header {@link #decodeHeader} has read. The caller has checked the header's
     * dimension: this allocates that many coordinates.
     */
    public static ModelUpdate decode(byte[] body, int length, UpdateHeader header) {
        Reader in = new Reader(body, length);
        in.position = header.payloadOffset();
        int dimension = header.dimension();
        float[] delta =
                switch (header.encoding()) {
                    case UpdateEncoding.Fp32 fp32 -> in.floats(dimension, "FP32 delta");
                    case UpdateEncoding.Int8 int8 ->
                        readInt8(in, dimension, sameAsHeader(in.i32(""), int8.blockSize()));
                    case UpdateEncoding.TopK topK -> readTopK(in, dimension, in.i32("top-k count"));
                };
        if (in.position != length) {
            throw new MalformedUpdateException(
                    (length - in.position) + " bytes follow the delta, which ends at byte " + in.position);
        }
        return new ModelUpdate(header.job(), header.round(), header.exampleCount(), header.metrics(), delta);
    }

    private static int sameAsHeader(int read, int expected) {
        if (read != expected) {
            throw new IllegalArgumentException("the header passed was not read from this body");
        }
        return read;
    }

    private static void checkHeader(ModelUpdate update) {
        if (!JOB.matcher(update.job()).matches()) {
            throw new IllegalArgumentException(
                    "a job id is 1 to " + MAX_JOB_LENGTH + " of A-Z a-z 0-9 . _ -, not '" + update.job() + "'");
        }
        if (update.round() < 1 || update.exampleCount() < 0 || update.delta().length == 0) {
            throw new IllegalArgumentException("an update needs a round from 1, a non-negative example count and a"
                    + " non-empty delta, not " + update);
        }
        if (update.metrics().size() > MAX_METRICS) {
            throw new IllegalArgumentException("at most " + MAX_METRICS + " metrics, not "
                    + update.metrics().size());
        }
        for (String name : update.metrics().keySet()) {
            if (!METRIC.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "a metric name is 1 to " + MAX_METRIC_NAME + " of a-z 0-9 _, not '" + name + "'");
            }
        }
    }

    private static ByteBuffer header(ModelUpdate update, UpdateEncoding encoding, byte[] job, long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("an update of " + size + " bytes is too large to encode");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) VERSION).put((byte) encoding.tag());
        out.put((byte) job.length).put(job).putInt(update.round()).putLong(update.exampleCount());
        out.put((byte) update.metrics().size());
        update.metrics().forEach((name, value) -> {
            out.put((byte) name.length())
                    .put(name.getBytes(StandardCharsets.US_ASCII))
                    .putDouble(value);
        });
        out.putInt(update.delta().length);
        return out;
    }

    private static byte[] int8(ModelUpdate update, UpdateEncoding.Int8 int8, byte[] job, int headerSize) {
        float[] delta = requireFinite(update.delta(), int8);
        int block = int8.blockSize();
        int blocks = (delta.length + block - 1) / block;
        ByteBuffer out = header(update, int8, job, headerSize + 4L + 4L * blocks + delta.length);
        out.putInt(block);
        float[] scales = new float[blocks];
        for (int b = 0; b < blocks; b++) {
            float max = 0;
            for (int k = b * block; k < Math.min(delta.length, (b + 1) * block); k++) {
                max = Math.max(max, Math.abs(delta[k]));
            }
            scales[b] = max / 127f;
            out.putFloat(scales[b]);
        }
        for (int k = 0; k < delta.length; k++) {
            float scale = scales[k / block];
            out.put(scale == 0 ? 0 : (byte) Math.max(-127, Math.min(127, Math.round(delta[k] / scale))));
        }
        return out.array();
    }

    private static byte[] topK(ModelUpdate update, UpdateEncoding.TopK topK, byte[] job, int headerSize) {
        float[] delta = requireFinite(update.delta(), topK);
        int kept = topK.kept(delta.length);
        int[] indices = largest(delta, kept);
        long gapBytes = 0;
        for (int k = 0; k < kept; k++) {
            gapBytes += varintLength(k == 0 ? indices[0] : indices[k] - indices[k - 1] - 1);
        }
        ByteBuffer out = header(update, topK, job, headerSize + 4L + gapBytes + 4L * kept);
        out.putInt(kept);
        for (int k = 0; k < kept; k++) {
            int gap = k == 0 ? indices[0] : indices[k] - indices[k - 1] - 1;
            while ((gap & ~0x7f) != 0) {
                out.put((byte) ((gap & 0x7f) | 0x80));
                gap >>>= 7;
            }
            out.put((byte) gap);
        }
        for (int index : indices) {
            out.putFloat(delta[index]);
        }
        return out.array();
    }

    /** The indices of the {@code kept} largest magnitudes, ascending; ties go to the lower index. */
    private static int[] largest(float[] delta, int kept) {
        float[] magnitudes = new float[delta.length];
        for (int k = 0; k < delta.length; k++) {
            magnitudes[k] = Math.abs(delta[k]);
        }
        float threshold = FloatSelection.select(magnitudes, 0, magnitudes.length, delta.length - kept);
        int above = 0;
        for (float value : delta) {
            if (Math.abs(value) > threshold) {
                above++;
            }
        }
        int ties = kept - above;
        int[] indices = new int[kept];
        int n = 0;
        for (int k = 0; k < delta.length; k++) {
            float magnitude = Math.abs(delta[k]);
            if (magnitude > threshold || (magnitude == threshold && ties-- > 0)) {
                indices[n++] = k;
            }
        }
        return indices;
    }

    private static float[] requireFinite(float[] delta, UpdateEncoding encoding) {
        for (int k = 0; k < delta.length; k++) {
            if (!Float.isFinite(delta[k])) {
                throw new IllegalArgumentException(
                        "coordinate " + k + " is " + delta[k] + ": " + encoding + " encodes finite deltas only");
            }
        }
        return delta;
    }

    private static int varintLength(int value) {
        return value < 1 << 7 ? 1 : value < 1 << 14 ? 2 : value < 1 << 21 ? 3 : value < 1 << 28 ? 4 : 5;
    }

    private static float[] readInt8(Reader in, int dimension, int block) {
        int blocks = (int) (((long) dimension + block - 1) / block);
        in.require(4L * blocks + dimension, "INT8 scales and values");
        float[] scales = in.floats(blocks, "INT8 scales");
        float[] delta = new float[dimension];
        for (int k = 0; k < dimension; k++) {
            byte value = in.body[in.position++];
            if (value == Byte.MIN_VALUE) {
                throw new MalformedUpdateException(
                        "INT8 value -128 at byte " + (in.position - 1) + ": the encoding is symmetric, -127..127");
            }
            delta[k] = value * scales[k / block];
        }
        return delta;
    }

    private static float[] readTopK(Reader in, int dimension, int kept) {
        if (kept < 1 || kept > dimension) {
            throw in.malformed("top-k count " + kept + " is outside 1.." + dimension, 4);
        }
        // Each index takes at least one byte and each value four: checked before allocating for them.
        in.require(5L * kept, "top-k indices and values");
        int[] indices = new int[kept];
        long previous = -1;
        for (int k = 0; k < kept; k++) {
            int start = in.position;
            long gap = 0;
            for (int shift = 0; ; shift += 7) {
                if (shift > 28) {
                    throw new MalformedUpdateException("top-k index gap at byte " + start + " runs past 5 bytes");
                }
                int b = in.u8("top-k index gap");
                gap |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    if (b == 0 && shift > 0) {
                        throw new MalformedUpdateException(
                                "top-k index gap at byte " + start + " is not in its shortest form");
                    }
                    break;
                }
            }
            long index = previous + 1 + gap;
            if (index >= dimension) {
                throw new MalformedUpdateException(
                        "top-k index " + index + " at byte " + start + " is outside the dimension " + dimension);
            }
            indices[k] = (int) index;
            previous = index;
        }
        float[] values = in.floats(kept, "top-k values");
        float[] delta = new float[dimension];
        for (int k = 0; k < kept; k++) {
            delta[indices[k]] = values[k];
        }
        return delta;
    }

    /** A bounds-checked little-endian cursor whose errors name the field and the byte. */
    private static final class Reader {
        final byte[] body;
        final int length;
        int position;

        Reader(byte[] body, int length) {
            if (length < 0 || length > body.length) {
                throw new IllegalArgumentException("length " + length + " is outside a buffer of " + body.length);
            }
            this.body = body;
            this.length = length;
        }

        void require(long bytes, String what) {
            if (bytes > length - position) {
                throw new MalformedUpdateException(
                        "the body ends at byte " + length + " but " + what + " at byte " + position + " need " + bytes);
            }
        }

        MalformedUpdateException malformed(String message, int fieldSize) {
            return new MalformedUpdateException(message + " (byte " + (position - fieldSize) + ")");
        }

        int u8(String what) {
            require(1, what);
            return body[position++] & 0xff;
        }

        int i32(String what) {
            require(4, what);
            int value = ByteBuffer.wrap(body, position, 4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getInt();
            position += 4;
            return value;
        }

        long i64(String what) {
            require(8, what);
            long value = ByteBuffer.wrap(body, position, 8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getLong();
            position += 8;
            return value;
        }

        double f64(String what) {
            return Double.longBitsToDouble(i64(what));
        }

        String ascii(int size, Pattern allowed, String what) {
            require(size, what);
            String text = new String(body, position, size, StandardCharsets.ISO_8859_1);
            if (!allowed.matcher(text).matches()) {
                throw new MalformedUpdateException(what + " at byte " + position + " is not " + allowed.pattern());
            }
            position += size;
            return text;
        }

        float[] floats(int count, String what) {
            require(4L * count, what);
            float[] values = new float[count];
            ByteBuffer.wrap(body, position, 4 * count)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(values);
            position += 4 * count;
            return values;
        }
    }
}

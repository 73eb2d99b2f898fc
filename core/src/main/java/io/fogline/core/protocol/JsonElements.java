package io.fogline.core.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fogline.core.error.InferenceException;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Tensor;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The elements of a tensor's JSON {@code data}, flat or nested, collected before the datatype is known: the
 * protocol lets {@code data} come before {@code datatype} in an object, so values are kept as they were written and
 * converted once both are read.
 */
final class JsonElements {

    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private enum Kind {
        /** integers: the value. */
        INTEGER,
        /** integers: the bits of a value above Long.MAX_VALUE that fits in 64 bits unsigned. */
        UNSIGNED_64,
        /** integers: index into strings of the digits of an integer beyond the 64-bit range. */
        BIG_INTEGER,
        /** integers: the bits of the float nearest to the number written. */
        FLOAT,
        /** integers: 1 for true, 0 for false. */
        BOOLEAN,
        /** integers: index into strings. */
        STRING
    }

    private Kind[] kinds = new Kind[16];
    private long[] integers = new long[16];
    /** The double nearest to each number, for every kind of number. */
    private double[] floats = new double[16];

    private final List<String> strings = new ArrayList<>();
    private int size;

    /** Reads a JSON array, at any depth of nesting, whose opening bracket the parser has just consumed. */
    static JsonElements read(JsonParser parser, String tensorName) throws IOException {
        JsonElements elements = new JsonElements();
        int depth = 1;
        while (depth > 0) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw InferenceException.invalid("malformed JSON: tensor '" + tensorName + "' data is truncated");
            }
            switch (token) {
                case START_ARRAY -> depth++;
                case END_ARRAY -> depth--;
                case VALUE_NUMBER_INT -> elements.addInteger(parser);
                case VALUE_NUMBER_FLOAT -> elements.addFloat(parser);
                case VALUE_TRUE -> elements.add(Kind.BOOLEAN, 1, 1);
                case VALUE_FALSE -> elements.add(Kind.BOOLEAN, 0, 0);
                case VALUE_STRING -> {
                    elements.add(Kind.STRING, elements.strings.size(), 0);
                    elements.strings.add(parser.getText());
                }
                default ->
                    throw InferenceException.invalid("tensor '" + tensorName + "': data may hold only numbers, "
                            + "booleans, strings and arrays, found " + token.asString());
            }
        }
        return elements;
    }

    private void addInteger(JsonParser parser) throws IOException {
        switch (parser.getNumberType()) {
            case INT, LONG -> add(Kind.INTEGER, parser.getLongValue(), parser.getLongValue());
            default -> {
                BigInteger value = parser.getBigIntegerValue();
                if (value.signum() < 0 || value.compareTo(UINT64_MAX) > 0) {
                    // Kept as written, so that an error message shows the number the client sent.
                    add(Kind.BIG_INTEGER, strings.size(), value.doubleValue());
                    strings.add(value.toString());
                } else {
                    add(Kind.UNSIGNED_64, value.longValue(), value.doubleValue());
                }
            }
        }
    }

    private void addFloat(JsonParser parser) throws IOException {
        double value = parser.getDoubleValue();
        float nearest = (float) value;
        if (isMidpointOfTwoFloats(value)) {
            // The number was rounded once to this double; rounding the double to a float would round twice and may
            // pick the wrong neighbour (7.038531E-26, Float.toString's own text, is one such number). A non-finite
            // token is never a midpoint, so the text here is always a JSON number, which parseFloat accepts.
            nearest = Float.parseFloat(parser.getText());
        }
        add(Kind.FLOAT, Float.floatToRawIntBits(nearest), value);
    }

    private static boolean isMidpointOfTwoFloats(double value) {
        float nearest = (float) value;
        if (nearest == value || !Float.isFinite(nearest)) {
            return false;
        }
        float other = value > nearest ? Math.nextUp(nearest) : Math.nextDown(nearest);
        return ((double) nearest + other) / 2 == value;
    }

    private void add(Kind kind, long integer, double floating) {
        if (size == kinds.length) {
            int capacity = size * 2;
            kinds = Arrays.copyOf(kinds, capacity);
            integers = Arrays.copyOf(integers, capacity);
            floats = Arrays.copyOf(floats, capacity);
        }
        kinds[size] = kind;
        integers[size] = integer;
        floats[size] = floating;
        size++;
    }

    int size() {
        return size;
    }

    /** The elements in the tensor layout of {@code datatype}, or a message naming the first element that does not fit. */
    ByteBuffer toBuffer(DataType datatype, String tensorName) {
        if (datatype == DataType.BYTES) {
            return bytesBuffer(tensorName);
        }
        ByteBuffer buffer = Tensor.allocate((long) size * datatype.byteSize());
        for (int i = 0; i < size; i++) {
            switch (datatype) {
                case BOOL -> buffer.put((byte) (requireBoolean(i, tensorName) ? 1 : 0));
                case UINT8 -> buffer.put((byte) requireInteger(i, 0, 0xFFL, datatype, tensorName));
                case UINT16 -> buffer.putShort((short) requireInteger(i, 0, 0xFFFFL, datatype, tensorName));
                case UINT32 -> buffer.putInt((int) requireInteger(i, 0, 0xFFFF_FFFFL, datatype, tensorName));
                case UINT64 -> buffer.putLong(requireUnsigned64(i, tensorName));
                case INT8 -> buffer.put((byte) requireInteger(i, Byte.MIN_VALUE, Byte.MAX_VALUE, datatype, tensorName));
                case INT16 ->
                    buffer.putShort((short) requireInteger(i, Short.MIN_VALUE, Short.MAX_VALUE, datatype, tensorName));
                case INT32 ->
                    buffer.putInt((int) requireInteger(i, Integer.MIN_VALUE, Integer.MAX_VALUE, datatype, tensorName));
                case INT64 -> buffer.putLong(requireInteger(i, Long.MIN_VALUE, Long.MAX_VALUE, datatype, tensorName));
                case FP16 -> buffer.putShort(FloatFormats.doubleToFloat16(requireNumber(i, tensorName)));
                case BF16 -> buffer.putShort(FloatFormats.doubleToBfloat16(requireNumber(i, tensorName)));
                case FP32 -> buffer.putFloat(requireFloat(i, tensorName));
                case FP64 -> buffer.putDouble(requireNumber(i, tensorName));
                case BYTES -> throw new AssertionError("handled above");
            }
        }
        return buffer.flip();
    }

    private ByteBuffer bytesBuffer(String tensorName) {
        List<byte[]> elements = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            if (kinds[i] != Kind.STRING) {
                throw mismatch(i, "a string", DataType.BYTES, tensorName);
            }
            elements.add(strings.get((int) integers[i]).getBytes(StandardCharsets.UTF_8));
        }
        return Tensor.ofBytes(tensorName, new long[] {size}, elements).data();
    }

    private boolean requireBoolean(int i, String tensorName) {
        if (kinds[i] != Kind.BOOLEAN) {
            throw mismatch(i, "true or false", DataType.BOOL, tensorName);
        }
        return integers[i] != 0;
    }

    private long requireInteger(int i, long min, long max, DataType datatype, String tensorName) {
        if (kinds[i] != Kind.INTEGER || integers[i] < min || integers[i] > max) {
            throw mismatch(i, "an integer in [" + min + ", " + max + "]", datatype, tensorName);
        }
        return integers[i];
    }

    private long requireUnsigned64(int i, String tensorName) {
        boolean fits = kinds[i] == Kind.UNSIGNED_64 || (kinds[i] == Kind.INTEGER && integers[i] >= 0);
        if (!fits) {
            throw mismatch(i, "an integer in [0, " + UINT64_MAX + "]", DataType.UINT64, tensorName);
        }
        return integers[i];
    }

    /** The float nearest to the number written, rounded once: narrowing the double would round twice. */
    private float requireFloat(int i, String tensorName) {
        return switch (kinds[i]) {
            case INTEGER -> (float) integers[i];
            case UNSIGNED_64 -> new BigInteger(Long.toUnsignedString(integers[i])).floatValue();
            case BIG_INTEGER -> new BigInteger(strings.get((int) integers[i])).floatValue();
            case FLOAT -> Float.intBitsToFloat((int) integers[i]);
            case BOOLEAN, STRING -> (float) requireNumber(i, tensorName);
        };
    }

    private double requireNumber(int i, String tensorName) {
        return switch (kinds[i]) {
            case INTEGER, UNSIGNED_64, BIG_INTEGER, FLOAT -> floats[i];
            case STRING ->
                switch (strings.get((int) integers[i])) {
                    case "NaN" -> Double.NaN;
                    case "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
                    case "-Infinity" -> Double.NEGATIVE_INFINITY;
                    default -> throw mismatch(i, "a number", DataType.FP32, tensorName);
                };
            case BOOLEAN -> throw mismatch(i, "a number", DataType.FP32, tensorName);
        };
    }

    private InferenceException mismatch(int i, String expected, DataType datatype, String tensorName) {
        String found =
                switch (kinds[i]) {
                    case STRING -> '"' + strings.get((int) integers[i]) + '"';
                    case BIG_INTEGER -> strings.get((int) integers[i]);
                    case BOOLEAN -> integers[i] != 0 ? "true" : "false";
                    case INTEGER -> Long.toString(integers[i]);
                    case UNSIGNED_64 -> Long.toUnsignedString(integers[i]);
                    case FLOAT -> Double.toString(floats[i]);
                };
        String typeName = datatype == DataType.FP32 ? "a floating-point tensor" : datatype.name();
        return InferenceException.invalid("tensor '" + tensorName + "': element " + i + " is " + found + ", expected "
                + expected + " for " + typeName);
    }
}

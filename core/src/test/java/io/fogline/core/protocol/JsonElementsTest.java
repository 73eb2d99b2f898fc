package io.fogline.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.tensor.Tensor;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How the numbers, booleans and strings of a JSON {@code data} array become tensor elements of each datatype. */
class JsonElementsTest {

    @ParameterizedTest
    @CsvSource({
        "UINT8, 1, 0, 255",
        "UINT16, 2, 0, 65535",
        "UINT32, 4, 0, 4294967295",
        "UINT64, 8, 0, 18446744073709551615",
        "INT8, 1, -128, 127",
        "INT16, 2, -32768, 32767",
        "INT32, 4, -2147483648, 2147483647",
        "INT64, 8, -9223372036854775808, 9223372036854775807"
    })
    void integersAreAcceptedUpToTheLimitsOfTheirType(String type, int width, String min, String max) {
        Tensor tensor = decode(type, "[2]", "[" + min + ", " + max + "]");

        ByteBuffer expected = ByteBuffer.allocate(2 * width).order(ByteOrder.LITTLE_ENDIAN);
        putLittleEndian(expected, new BigInteger(min).longValue(), width);
        putLittleEndian(expected, new BigInteger(max).longValue(), width);
        assertThat(tensor.data()).isEqualTo(expected.flip());
    }

    @ParameterizedTest
    @CsvSource({
        "UINT8, 0, 255",
        "UINT16, 0, 65535",
        "UINT32, 0, 4294967295",
        "UINT64, 0, 18446744073709551615",
        "INT8, -128, 127",
        "INT16, -32768, 32767",
        "INT32, -2147483648, 2147483647",
        "INT64, -9223372036854775808, 9223372036854775807"
    })
    void integersOneBeyondTheLimitsAreRejectedAsWritten(String type, String min, String max) {
        String below = new BigInteger(min).subtract(BigInteger.ONE).toString();
        String above = new BigInteger(max).add(BigInteger.ONE).toString();
        String expected = ", expected an integer in [" + min + ", " + max + "] for " + type;

        Bodies.assertInvalid(
                () -> decode(type, "[2]", "[0, " + below + "]"), "tensor 'x': element 1 is " + below + expected);
        Bodies.assertInvalid(
                () -> decode(type, "[2]", "[0, " + above + "]"), "tensor 'x': element 1 is " + above + expected);
    }

    @ParameterizedTest
    @CsvSource({
        "0.1, 3dcccccd",
        // Parsed as a double, this decimal lands exactly halfway between two floats; narrowing the double then
        // picks the wrong one. It is the one float (with its negative) whose Float.toString has this problem.
        "7.038531E-26, 15ae43fd",
        "-7.038531E-26, 95ae43fd",
        // An integer token, rounded to the nearest float (ties to even), not via a double first.
        "16777217, 4b800000",
        "1152921573326323713, 5d800001",
        "18446744073709551615, 5f800000",
        "1e39, 7f800000",
        "-0.0, 80000000"
    })
    void fp32TakesTheFloatNearestToTheNumberWritten(String written, String expectedBits) {
        Tensor tensor = decode("FP32", "[1]", "[" + written + "]");

        assertThat(Integer.toHexString(tensor.data().getInt())).isEqualTo(expectedBits);
    }

    @ParameterizedTest
    @CsvSource({
        "FP16, 1.0004882821813226, 3c01",
        "FP16, 65519, 7bff",
        "FP16, 65520, 7c00",
        "FP16, 5.960464477539063E-8, 1",
        "BF16, 1.0039062509313226, 3f81",
        "BF16, 3, 4040",
        "BF16, -1e-45, 8000"
    })
    void sixteenBitFloatsTakeTheNearestValueOfTheNumberWritten(String type, String written, String expectedBits) {
        Tensor tensor = decode(type, "[1]", "[" + written + "]");

        assertThat(Integer.toHexString(tensor.data().getShort() & 0xFFFF)).isEqualTo(expectedBits);
    }

    @Test
    void fp64KeepsEveryDoubleAndRoundsIntegersBeyondIt() {
        Tensor tensor = decode("FP64", "[4]", "[0.1, 4.9E-324, 18446744073709551615, -9223372036854775809]");

        assertThat(doubles(tensor)).containsExactly(0.1, Double.MIN_VALUE, 0x1p64, -0x1p63);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FP16", "BF16", "FP32", "FP64"})
    void floatTypesAcceptNaNAndInfinityAsStringsAndAsBareTokens(String type) {
        Tensor tensor =
                decode(type, "[7]", "[\"NaN\", \"Infinity\", \"+Infinity\", \"-Infinity\", NaN, Infinity, -Infinity]");

        double inf = Double.POSITIVE_INFINITY;
        // AssertJ compares boxed doubles here, for which NaN equals NaN.
        assertThat(doubles(tensor)).containsExactly(Double.NaN, inf, inf, -inf, Double.NaN, inf, -inf);
    }

    @Test
    void integerTokensFillFloatTensors() {
        assertThat(doubles(decode("FP32", "[2]", "[1, -2]"))).containsExactly(1, -2);
        assertThat(doubles(decode("FP16", "[2]", "[1, -2]"))).containsExactly(1, -2);
    }

    @Test
    void booleansAreOneByteEach() {
        Tensor tensor = decode("BOOL", "[3]", "[true, false, true]");

        assertThat(tensor.data()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 0, 1}));
    }

    @Test
    void stringsBecomeLengthPrefixedUtf8() {
        Tensor tensor = decode("BYTES", "[3]", "[\"\", \"é\", \"a\\u0000b\"]");

        assertThat(tensor.toByteElements())
                .containsExactly(
                        new byte[0], "é".getBytes(StandardCharsets.UTF_8), "a\u0000b".getBytes(StandardCharsets.UTF_8));
        assertThat(tensor.byteSize()).isEqualTo(3 * 4 + 2 + 3);
    }

    private static Tensor decode(String datatype, String shape, String data) {
        return Bodies.decodeJson("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape
                        + ",\"data\":" + data + "}]}")
                .inputs()
                .get(0);
    }

    private static void putLittleEndian(ByteBuffer buffer, long value, int width) {
        for (int i = 0; i < width; i++) {
            buffer.put((byte) (value >>> (8 * i)));
        }
    }

    private static double[] doubles(Tensor tensor) {
        ByteBuffer data = tensor.data();
        double[] values = new double[(int) tensor.elementCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (tensor.datatype()) {
                case FP16 -> Float.float16ToFloat(data.getShort());
                case BF16 -> FloatFormats.bfloat16ToFloat(data.getShort());
                case FP32 -> data.getFloat();
                case FP64 -> data.getDouble();
                default -> throw new IllegalArgumentException(tensor + " is not a float tensor");
            };
        }
        return values;
    }
}

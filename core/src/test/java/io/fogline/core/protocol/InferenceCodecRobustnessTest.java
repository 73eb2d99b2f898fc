package io.fogline.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.error.InferenceException;
import io.fogline.core.error.InferenceException.Kind;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Shapes;
import io.fogline.core.tensor.Tensor;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Whatever bytes arrive, the codec answers with a tensor it can stand behind or with an InferenceException the node
 * turns into a 400 (or 413): any other exception would be a 500 with an internal message, or worse, a crash of the
 * code that trusted a decoded tensor.
 */
class InferenceCodecRobustnessTest {

    /**
     * Tokens and field names of the protocol, which splice into JSON that still parses and so reach the codec's own
     * checks, and a few bytes that no JSON allows, which test the parser's errors.
     */
    private static final List<String> FRAGMENTS = List.of(
            "null",
            "-1",
            "0",
            "1.5",
            "1e999",
            "-1e999",
            "NaN",
            "-Infinity",
            "\"x\"",
            "\"\"",
            "[]",
            "{}",
            "[[[[",
            "]]",
            "}",
            ",",
            ":",
            "true",
            "\"NaN\"",
            "\"FP32\"",
            "\"BYTES\"",
            "\"UINT64\"",
            "\"FP16\"",
            "18446744073709551616",
            "9223372036854775807",
            "4611686018427387904",
            "2305843009213693952",
            "{\"binary_data_size\":0}",
            "\"binary_data_size\"",
            "\"shape\"",
            "\"data\"",
            "\"datatype\"",
            "\"name\"",
            "\"parameters\"",
            "\"inputs\"",
            "\"outputs\"",
            "\"classification\"",
            "\"binary_data\"",
            "\"\\ud800\"",
            "\\",
            "\u0000",
            "\u00ff\u00fe",
            "[1,[2,[3]]]");

    /** Numbers at the edges of int, long and unsigned long, and powers of two whose products wrap around. */
    private static final List<String> NUMBERS = List.of(
            "0",
            "1",
            "-1",
            "2147483647",
            "2147483648",
            "4294967295",
            "4294967296",
            "1073741824",
            "2305843009213693952",
            "4611686018427387904",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "1e3",
            "0.5",
            "-0");

    /** Bytes to decode as a request or a response, with the length and header length to decode them with. */
    record Mutated(boolean request, byte[] bytes, int length, int headerLength, String how) {

        Object decode() {
            return request
                    ? InferenceCodec.decodeRequest(bytes, length, headerLength)
                    : InferenceCodec.decodeResponse(bytes, length, headerLength);
        }

        @Override
        public String toString() {
            return how + " length=" + length + " header=" + headerLength + " "
                    + new String(bytes, 0, Math.min(length, bytes.length), StandardCharsets.ISO_8859_1);
        }
    }

    @Property(tries = 1000)
    void everyTruncationDecodesOrIsRejected(@ForAll("truncations") Mutated body) {
        assertDecodesOrIsRejected(body);
    }

    @Property(tries = 1000)
    void byteFlipsDecodeOrAreRejected(@ForAll("byteFlips") Mutated body) {
        assertDecodesOrIsRejected(body);
    }

    @Property(tries = 1000)
    void splicedJsonDecodesOrIsRejected(@ForAll("splices") Mutated body) {
        assertDecodesOrIsRejected(body);
    }

    @Property(tries = 1000)
    void swappedNumbersDecodeOrAreRejected(@ForAll("numberSwaps") Mutated body) {
        assertDecodesOrIsRejected(body);
    }

    @Property(tries = 1000)
    void garbageDecodesOrIsRejected(@ForAll("garbage") Mutated body) {
        assertDecodesOrIsRejected(body);
    }

    @Property(tries = 1000)
    void wrongHeaderLengthDecodesOrIsRejected(@ForAll("wrongHeaderLengths") Mutated body) {
        assertDecodesOrIsRejected(body);
    }

    @Property(tries = 100)
    void headerLengthBeyondTheBodyIsRejectedWithItsValues(
            @ForAll("bodies") CodecArbitraries.Body body, @ForAll("excess") int excess) {
        int header = (int) Math.min(Integer.MAX_VALUE, (long) body.bytes().length + excess);

        try {
            new Mutated(body.request(), body.bytes(), body.bytes().length, header, "header " + header).decode();
            throw new AssertionError("decoded a body whose header length " + header + " exceeds it");
        } catch (InferenceException e) {
            assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT);
            assertThat(e.getMessage())
                    .isEqualTo("Inference-Header-Content-Length is " + header + " but the body has only "
                            + body.bytes().length + " bytes");
        }
    }

    /**
     * A shape whose byte size is beyond what a tensor may hold (2 GiB) is refused whatever binary_data_size claims,
     * including the size its byte count wraps to in a long: dimensions are powers of two, so products of 2^64 bytes
     * and more wrap to exactly 0.
     */
    @Property(tries = 300)
    void shapesTooLargeForAnyTensorAreRejected(
            @ForAll("fixedSizeTypes") DataType type, @ForAll("hugeShapes") long[] shape, @ForAll boolean wrapped) {
        BigInteger bytes = BigInteger.valueOf(Shapes.elementCount(shape)).multiply(BigInteger.valueOf(type.byteSize()));
        // The byte count is a power of two of at least 2^31, so its low byte is 0: what a long product wraps to.
        int binarySize = wrapped ? bytes.intValue() & 0xFF : 8;
        String header = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"" + type + "\",\"shape\":" + Shapes.format(shape)
                + ",\"parameters\":{\"binary_data_size\":" + binarySize + "}}]}";

        try {
            Bodies.decodeWithBinary(header, new byte[binarySize]);
            throw new AssertionError("decoded " + header + " over " + binarySize + " bytes");
        } catch (InferenceException e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(Kind.INVALID_ARGUMENT);
        }
    }

    @Provide
    Arbitrary<DataType> fixedSizeTypes() {
        return Arbitraries.of(DataType.class).filter(DataType::isFixedSize);
    }

    /** Shapes of 2^31 to 2^62 elements, as one to four power-of-two dimensions. */
    @Provide
    Arbitrary<long[]> hugeShapes() {
        return Combinators.combine(
                        Arbitraries.integers().between(31, 62),
                        Arbitraries.integers().between(1, 4))
                .as((exponent, rank) -> {
                    long[] shape = new long[rank];
                    for (int i = 0; i < rank; i++) {
                        int share = i == rank - 1 ? exponent : exponent / (rank - i);
                        shape[i] = 1L << share;
                        exponent -= share;
                    }
                    return shape;
                });
    }

    @Provide
    Arbitrary<CodecArbitraries.Body> bodies() {
        return CodecArbitraries.bodies();
    }

    @Provide
    Arbitrary<Integer> excess() {
        return Arbitraries.integers().between(1, Integer.MAX_VALUE);
    }

    @Provide
    Arbitrary<Mutated> truncations() {
        return CodecArbitraries.bodies().flatMap(body -> Combinators.combine(
                        Arbitraries.integers().between(0, body.bytes().length - 1), Arbitraries.of(true, false))
                .as((cut, keepHeader) -> new Mutated(
                        body.request(),
                        body.bytes(),
                        cut,
                        keepHeader ? body.headerLength() : Math.min(body.headerLength(), cut),
                        keepHeader ? "cut, header kept" : "cut, header clamped")));
    }

    @Provide
    Arbitrary<Mutated> byteFlips() {
        return CodecArbitraries.bodies().flatMap(body -> {
            Arbitrary<Tuple2<Integer, Integer>> flip = Combinators.combine(
                            Arbitraries.integers().between(0, body.bytes().length - 1),
                            Arbitraries.integers().between(1, 255))
                    .as(Tuple::of);
            return flip.list().ofMinSize(1).ofMaxSize(8).map(flips -> {
                byte[] bytes = body.bytes().clone();
                flips.forEach(f -> bytes[f.get1()] ^= (byte) (int) f.get2());
                return new Mutated(body.request(), bytes, bytes.length, body.headerLength(), "flipped " + flips);
            });
        });
    }

    @Provide
    Arbitrary<Mutated> splices() {
        return CodecArbitraries.bodies().flatMap(body -> {
            int jsonEnd = body.headerLength() < 0 ? body.bytes().length : body.headerLength();
            return Combinators.combine(
                            Arbitraries.integers().between(0, jsonEnd),
                            Arbitraries.integers().between(0, 4),
                            Arbitraries.of(FRAGMENTS))
                    .as((at, removed, fragment) -> splice(
                            body, at, Math.min(removed, jsonEnd - at), fragment, "spliced " + fragment + " at " + at));
        });
    }

    /**
     * Replaces one number of the JSON header (a dimension, a binary_data_size, an element) with one at an edge of
     * int, long or unsigned long: byte sizes are products of such numbers and may overflow.
     */
    @Provide
    Arbitrary<Mutated> numberSwaps() {
        return CodecArbitraries.bodies().flatMap(body -> {
            List<int[]> numbers = numbersIn(body);
            if (numbers.isEmpty()) {
                return Arbitraries.just(splice(body, 0, 0, "", "unchanged, no numbers"));
            }
            return Combinators.combine(Arbitraries.of(numbers), Arbitraries.of(NUMBERS))
                    .as((span, number) -> splice(body, span[0], span[1] - span[0], number, "swapped in " + number));
        });
    }

    @Provide
    Arbitrary<Mutated> garbage() {
        Arbitrary<byte[]> bytes = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                // Garbage after a plausible start gets past the first token.
                Arbitraries.bytes()
                        .array(byte[].class)
                        .ofMaxSize(64)
                        .map(tail -> concat("{\"inputs\":[{\"name\":\"x\",".getBytes(StandardCharsets.UTF_8), tail)));
        return bytes.flatMap(garbage -> Arbitraries.integers()
                .between(-1, garbage.length)
                .map(header -> new Mutated(true, garbage, garbage.length, header, "garbage")));
    }

    @Provide
    Arbitrary<Mutated> wrongHeaderLengths() {
        return CodecArbitraries.bodies().flatMap(body -> Arbitraries.integers()
                .between(Integer.MIN_VALUE, body.bytes().length)
                .edgeCases(edges -> edges.includeOnly(-1, 0, body.bytes().length))
                .map(header ->
                        new Mutated(body.request(), body.bytes(), body.bytes().length, header, "header " + header)));
    }

    /** Replaces {@code removed} bytes of the JSON header at {@code at}; the header length follows the change. */
    private static Mutated splice(CodecArbitraries.Body body, int at, int removed, String fragment, String how) {
        byte[] original = body.bytes();
        byte[] replacement = fragment.getBytes(StandardCharsets.ISO_8859_1);
        byte[] bytes = new byte[original.length - removed + replacement.length];
        System.arraycopy(original, 0, bytes, 0, at);
        System.arraycopy(replacement, 0, bytes, at, replacement.length);
        System.arraycopy(original, at + removed, bytes, at + replacement.length, original.length - at - removed);
        // The binary section stays where it was relative to the end of the JSON.
        int header = body.headerLength() < 0 ? -1 : body.headerLength() - removed + replacement.length;
        return new Mutated(body.request(), bytes, bytes.length, header, how);
    }

    /** The [start, end) spans of the numbers in a body's JSON header, found outside its strings. */
    private static List<int[]> numbersIn(CodecArbitraries.Body body) {
        byte[] bytes = body.bytes();
        int end = body.headerLength() < 0 ? bytes.length : body.headerLength();
        List<int[]> spans = new ArrayList<>();
        boolean inString = false;
        for (int i = 0; i < end; i++) {
            byte b = bytes[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '-' || (b >= '0' && b <= '9')) {
                int start = i;
                while (i + 1 < end && "+-.eE0123456789".indexOf(bytes[i + 1]) >= 0) {
                    i++;
                }
                spans.add(new int[] {start, i + 1});
            }
        }
        return spans;
    }

    private static void assertDecodesOrIsRejected(Mutated body) {
        Object decoded;
        try {
            decoded = body.decode();
        } catch (InferenceException e) {
            assertThat(e.kind()).as(e.getMessage()).isIn(Kind.INVALID_ARGUMENT, Kind.PAYLOAD_TOO_LARGE);
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        List<Tensor> tensors =
                decoded instanceof InferenceRequest r ? r.inputs() : ((InferenceResponse) decoded).outputs();
        tensors.forEach(InferenceCodecRobustnessTest::assertHoldsWhatItsShapeSays);
    }

    /** A decoded tensor is trusted downstream: its bytes must be exactly what its shape and datatype promise. */
    private static void assertHoldsWhatItsShapeSays(Tensor tensor) {
        long count = tensor.elementCount();
        assertThat(count).as("%s element count", tensor).isNotNegative();
        if (tensor.datatype() == DataType.BYTES) {
            assertThat(tensor.toByteElements()).as("%s elements", tensor).hasSize((int) count);
        } else {
            BigInteger expectedBytes = BigInteger.valueOf(count)
                    .multiply(BigInteger.valueOf(tensor.datatype().byteSize()));
            assertThat(BigInteger.valueOf(tensor.byteSize()))
                    .as("%s %s bytes", tensor, Arrays.toString(tensor.shape()))
                    .isEqualTo(expectedBytes);
        }
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        byte[] bytes = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, bytes, head.length, tail.length);
        return bytes;
    }
}

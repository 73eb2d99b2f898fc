package io.fogline.core.protocol;

import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Shapes;
import io.fogline.core.tensor.Tensor;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Random tensors, requests, responses and encoded bodies for the codec's property tests. Values lean towards the
 * edges of each type (NaN payloads, subnormals, UINT64 above Long.MAX_VALUE, empty strings, zero-size shapes,
 * scalars) because that is where a codec breaks, and stay small so that a property can afford hundreds of tries.
 */
final class CodecArbitraries {

    private static final int MAX_ELEMENTS = 40;

    private static final BigInteger TWO_TO_THE_80 = BigInteger.ONE.shiftLeft(80);

    /**
     * The one positive float whose shortest decimal form ({@link Float#toString}) does not come back to the same
     * float when it is parsed as a double and then narrowed: the double lands exactly halfway between two floats.
     * Found by checking every float; random bits would almost never hit it.
     */
    private static final float DOUBLE_ROUNDING_FLOAT = 7.038531E-26f;

    private CodecArbitraries() {}

    /** A request as the binary extension carries it: BYTES elements may be any bytes, not only UTF-8. */
    static Arbitrary<InferenceRequest> binaryRequests() {
        return requests(false);
    }

    /** A request whose BYTES elements are UTF-8 text, the only kind JSON can carry. */
    static Arbitrary<InferenceRequest> textRequests() {
        return requests(true);
    }

    private static Arbitrary<InferenceRequest> requests(boolean utf8Only) {
        return Combinators.combine(
                        ids(),
                        parameters(),
                        tensors(utf8Only).list().ofMaxSize(4),
                        requestedOutputs().list().ofMaxSize(3))
                .as(InferenceRequest::new);
    }

    private static Arbitrary<RequestedOutput> requestedOutputs() {
        return Combinators.combine(
                        names(),
                        Arbitraries.of(Boolean.TRUE, Boolean.FALSE).injectNull(0.4),
                        Arbitraries.integers().between(0, 10))
                .as(RequestedOutput::new);
    }

    /** A response and the names of the outputs that go in the binary section. */
    record ResponseCase(InferenceResponse response, Set<String> binaryOutputs) {

        InferenceCodec.Encoded encode() {
            return InferenceCodec.encodeResponse(response, binaryOutputs::contains);
        }
    }

    static Arbitrary<ResponseCase> responseCases() {
        // Each output is drawn with its choice of encoding; two outputs that share a name share the choice, as the
        // encoder's predicate sees names only.
        Arbitrary<List<Tuple2<Tensor, Boolean>>> outputs = Combinators.combine(
                        tensors(true), Arbitraries.of(Boolean.TRUE, Boolean.FALSE))
                .as(Tuple::of)
                .list()
                .ofMaxSize(4);
        return Combinators.combine(
                        names(),
                        Arbitraries.strings()
                                .numeric()
                                .ofMinLength(1)
                                .ofMaxLength(3)
                                .injectNull(0.3),
                        ids(),
                        parameters(),
                        outputs)
                .as((model, version, id, parameters, drawn) -> new ResponseCase(
                        new InferenceResponse(
                                model,
                                version,
                                id,
                                parameters,
                                drawn.stream().map(Tuple2::get1).toList()),
                        drawn.stream()
                                .filter(Tuple2::get2)
                                .map(output -> output.get1().name())
                                .collect(Collectors.toSet())));
    }

    /** A valid encoded body and what it encodes, the starting point of every robustness property. */
    record Body(byte[] bytes, int headerLength, boolean request) {

        static Body of(InferenceCodec.Encoded encoded, boolean request) {
            return new Body(encoded.body(), encoded.headerLength(), request);
        }

        @Override
        public String toString() {
            // Latin-1 shows every byte as one character, so positions in the report match positions in the body.
            return (request ? "request" : "response") + " header=" + headerLength + " "
                    + new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    static Arbitrary<Body> bodies() {
        return Arbitraries.oneOf(
                textRequests().map(request -> Body.of(InferenceCodec.encodeRequest(request, false), true)),
                binaryRequests().map(request -> Body.of(InferenceCodec.encodeRequest(request, true), true)),
                responseCases().map(response -> Body.of(response.encode(), false)));
    }

    private static Arbitrary<Tensor> tensors(boolean utf8Only) {
        return Arbitraries.of(DataType.class).flatMap(type -> tensors(type, utf8Only));
    }

    private static Arbitrary<Tensor> tensors(DataType type, boolean utf8Only) {
        return Combinators.combine(names(), shapes()).flatAs((name, shape) -> elements(type, utf8Only)
                .list()
                .ofSize((int) Shapes.elementCount(shape))
                .map(elements -> new Tensor(name, type, shape, concat(elements))));
    }

    /** Ranks 0 to 5; a zero dimension now and then, for tensors with no elements. */
    private static Arbitrary<long[]> shapes() {
        Arbitrary<Long> dims = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(0L)),
                Tuple.of(12, Arbitraries.longs().between(1, 4)));
        return dims.list().ofMaxSize(5).map(CodecArbitraries::capped);
    }

    /** Turns the dimensions that would take the element count past MAX_ELEMENTS into 1s; a filter shrinks badly. */
    private static long[] capped(List<Long> dims) {
        long[] shape = new long[dims.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = count * dims.get(i) <= MAX_ELEMENTS ? dims.get(i) : 1;
            count *= shape[i];
        }
        return shape;
    }

    /**
     * Short letters half the time; otherwise any Unicode text, quotes, backslashes and control characters included.
     * A lone surrogate is not text and Jackson refuses it in field names, so it becomes '?' as UTF-8 would have it.
     */
    private static Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().ofMaxLength(6),
                Arbitraries.strings().all().ofMaxLength(6).map(CodecArbitraries::validUnicode));
    }

    private static String validUnicode(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static Arbitrary<String> ids() {
        return names().injectNull(0.3);
    }

    /**
     * Parameter values in the Java types the decoder gives back (Long, Double, BigInteger beyond the long range),
     * so that a round trip can be compared with equals. Doubles are finite: JSON has no non-finite numbers.
     */
    private static Arbitrary<Map<String, Object>> parameters() {
        Arbitrary<Object> values = Arbitraries.oneOf(
                names(),
                Arbitraries.of(Boolean.TRUE, Boolean.FALSE),
                Arbitraries.longs(),
                Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite),
                Arbitraries.bigIntegers()
                        .between(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE), TWO_TO_THE_80),
                Arbitraries.bigIntegers()
                        .between(
                                TWO_TO_THE_80.negate(),
                                BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE)));
        return Arbitraries.maps(names(), values).ofMaxSize(3);
    }

    /** One element in the tensor's wire layout: little-endian, BYTES with its 4-byte length prefix. */
    private static Arbitrary<byte[]> elements(DataType type, boolean utf8Only) {
        return switch (type) {
            case BOOL -> Arbitraries.of(0L, 1L).map(bit -> littleEndian(bit, 1));
            case UINT8, INT8 -> Arbitraries.bytes().map(value -> littleEndian(value, 1));
            case UINT16, INT16 -> Arbitraries.shorts().map(value -> littleEndian(value, 2));
            case UINT32, INT32 -> Arbitraries.integers().map(value -> littleEndian(value, 4));
            // Negative longs are the UINT64 values above Long.MAX_VALUE.
            case UINT64, INT64 ->
                withSpecials(Arbitraries.longs(), Long.MIN_VALUE, -1L, Long.MAX_VALUE, 0L)
                        .map(value -> littleEndian(value, 8));
            case FP16 ->
                withSpecials(
                                Arbitraries.shorts().map(bits -> (long) bits),
                                0x0000L,
                                0x8000L,
                                0x7C00L,
                                0xFC00L,
                                0x7E00L,
                                0x7C01L,
                                0xFE01L,
                                0x0001L,
                                0x03FFL,
                                0x0400L,
                                0x7BFFL,
                                0x3C00L,
                                0x3555L)
                        .map(bits -> littleEndian(bits, 2));
            case BF16 ->
                withSpecials(
                                Arbitraries.shorts().map(bits -> (long) bits),
                                0x0000L,
                                0x8000L,
                                0x7F80L,
                                0xFF80L,
                                0x7FC0L,
                                0x7F81L,
                                0xFFC1L,
                                0x0001L,
                                0x007FL,
                                0x0080L,
                                0x7F7FL,
                                0x3F80L,
                                0x3EABL)
                        .map(bits -> littleEndian(bits, 2));
            case FP32 ->
                withSpecials(Arbitraries.integers().map(bits -> (long) bits), floatSpecials())
                        .map(bits -> littleEndian(bits, 4));
            case FP64 ->
                withSpecials(
                                Arbitraries.longs(),
                                bits(0.0),
                                bits(-0.0),
                                bits(Double.NaN),
                                0x7FF0_0000_0000_0001L,
                                0xFFF8_0000_0000_0001L,
                                bits(Double.POSITIVE_INFINITY),
                                bits(Double.NEGATIVE_INFINITY),
                                bits(Double.MIN_VALUE),
                                bits(Double.MIN_NORMAL),
                                bits(Double.MAX_VALUE),
                                bits(0.1),
                                bits(1.0))
                        .map(bits -> littleEndian(bits, 8));
            case BYTES ->
                (utf8Only
                                ? utf8Strings()
                                : Arbitraries.bytes().array(byte[].class).ofMaxSize(6))
                        .map(CodecArbitraries::lengthPrefixed);
        };
    }

    /** Empty strings often; otherwise text from the whole of Unicode, encoded as UTF-8. */
    private static Arbitrary<byte[]> utf8Strings() {
        Arbitrary<String> text = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just("")),
                Tuple.of(2, Arbitraries.strings().ascii().ofMaxLength(6)),
                // A lone surrogate has no UTF-8 form; getBytes turns it into '?', which keeps the element valid.
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(6)),
                Tuple.of(1, Arbitraries.of("é", "日本語", "🙂", "a\u0000b", "\"\\/\n\t")));
        return text.map(value -> value.getBytes(StandardCharsets.UTF_8));
    }

    private static long[] floatSpecials() {
        float[] values = {
            0f,
            -0f,
            Float.NaN,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE,
            Float.MIN_NORMAL,
            Float.MAX_VALUE,
            -Float.MAX_VALUE,
            0.1f,
            1f / 3,
            DOUBLE_ROUNDING_FLOAT,
            -DOUBLE_ROUNDING_FLOAT
        };
        long[] bits = new long[values.length + 2];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        bits[values.length] = 0x7F80_0001; // signalling NaN with a payload
        bits[values.length + 1] = 0xFFC0_0001; // negative quiet NaN with a payload
        return bits;
    }

    private static long bits(double value) {
        return Double.doubleToRawLongBits(value);
    }

    private static Arbitrary<Long> withSpecials(Arbitrary<Long> raw, long... specials) {
        Long[] boxed = new Long[specials.length];
        for (int i = 0; i < specials.length; i++) {
            boxed[i] = specials[i];
        }
        return Arbitraries.frequencyOf(Tuple.of(3, raw), Tuple.of(1, Arbitraries.of(boxed)));
    }

    private static byte[] littleEndian(long value, int width) {
        byte[] bytes = new byte[width];
        for (int i = 0; i < width; i++) {
            bytes[i] = (byte) (value >>> (8 * i));
        }
        return bytes;
    }

    private static byte[] lengthPrefixed(byte[] element) {
        return ByteBuffer.allocate(4 + element.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(element.length)
                .put(element)
                .array();
    }

    private static ByteBuffer concat(List<byte[]> elements) {
        int size = elements.stream().mapToInt(element -> element.length).sum();
        ByteBuffer buffer = ByteBuffer.allocate(size);
        elements.forEach(buffer::put);
        return buffer.flip();
    }
}

package io.fogline.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** What a client encodes, the codec decodes to the same thing: requests and responses, JSON and binary. */
class InferenceCodecPropertiesTest {

    @Property(tries = 1000)
    void requestSurvivesJson(@ForAll("textRequests") InferenceRequest request) {
        InferenceCodec.Encoded encoded = InferenceCodec.encodeRequest(request, false);

        assertThat(encoded.hasBinary()).isFalse();
        InferenceRequest decoded = InferenceCodec.decodeRequest(encoded.body(), encoded.body().length, -1);
        assertThat(decoded.id()).isEqualTo(request.id());
        assertThat(decoded.parameters()).isEqualTo(request.parameters());
        assertThat(decoded.outputs()).isEqualTo(request.outputs());
        assertSameAfterJson(request.inputs(), decoded.inputs());
    }

    @Property(tries = 1000)
    void requestSurvivesBinary(@ForAll("binaryRequests") InferenceRequest request) {
        InferenceCodec.Encoded encoded = InferenceCodec.encodeRequest(request, true);

        assertThat(encoded.hasBinary()).isEqualTo(!request.inputs().isEmpty());
        if (encoded.hasBinary()) {
            int binaryBytes =
                    request.inputs().stream().mapToInt(Tensor::byteSize).sum();
            assertThat(encoded.body().length - encoded.headerLength()).isEqualTo(binaryBytes);
        }
        // The binary section carries the bytes as they are, NaN payloads and non-UTF-8 BYTES included.
        assertThat(InferenceCodec.decodeRequest(encoded.body(), encoded.body().length, encoded.headerLength()))
                .isEqualTo(request);
    }

    @Property(tries = 1000)
    void responseSurvivesMixedEncoding(@ForAll("responseCases") CodecArbitraries.ResponseCase responseCase) {
        InferenceResponse response = responseCase.response();
        InferenceCodec.Encoded encoded = responseCase.encode();

        InferenceResponse decoded =
                InferenceCodec.decodeResponse(encoded.body(), encoded.body().length, encoded.headerLength());
        assertThat(decoded.modelName()).isEqualTo(response.modelName());
        assertThat(decoded.modelVersion()).isEqualTo(response.modelVersion());
        assertThat(decoded.id()).isEqualTo(response.id());
        assertThat(decoded.parameters()).isEqualTo(response.parameters());
        assertThat(decoded.outputs()).hasSameSizeAs(response.outputs());
        for (int i = 0; i < response.outputs().size(); i++) {
            Tensor expected = response.outputs().get(i);
            if (responseCase.binaryOutputs().contains(expected.name())) {
                assertThat(decoded.outputs().get(i)).isEqualTo(expected);
            } else {
                assertSameAfterJson(expected, decoded.outputs().get(i));
            }
        }
    }

    @Provide
    Arbitrary<InferenceRequest> textRequests() {
        return CodecArbitraries.textRequests();
    }

    @Provide
    Arbitrary<InferenceRequest> binaryRequests() {
        return CodecArbitraries.binaryRequests();
    }

    @Provide
    Arbitrary<CodecArbitraries.ResponseCase> responseCases() {
        return CodecArbitraries.responseCases();
    }

    private static void assertSameAfterJson(List<Tensor> expected, List<Tensor> actual) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertSameAfterJson(expected.get(i), actual.get(i));
        }
    }

    /**
     * JSON carries every value exactly, floats included (a float's shortest decimal names it alone), except NaN:
     * JSON writes it as "NaN", so its sign and payload are gone and any NaN comes back as some NaN.
     */
    private static void assertSameAfterJson(Tensor expected, Tensor actual) {
        assertThat(actual.name()).isEqualTo(expected.name());
        assertThat(actual.datatype()).isEqualTo(expected.datatype());
        assertThat(actual.shape()).isEqualTo(expected.shape());
        DataType type = expected.datatype();
        if (!isFloatingPoint(type)) {
            assertThat(actual.data()).isEqualTo(expected.data());
            return;
        }
        ByteBuffer expectedData = expected.data();
        ByteBuffer actualData = actual.data();
        assertThat(actualData.remaining()).isEqualTo(expectedData.remaining());
        for (int i = 0; expectedData.hasRemaining(); i++) {
            long expectedBits = nextBits(expectedData, type);
            long actualBits = nextBits(actualData, type);
            if (isNaN(expectedBits, type)) {
                assertThat(isNaN(actualBits, type))
                        .as("%s element %d is NaN", expected, i)
                        .isTrue();
            } else {
                assertThat(Long.toHexString(actualBits))
                        .as("%s element %d, bits of %s", expected, i, valueOf(expectedBits, type))
                        .isEqualTo(Long.toHexString(expectedBits));
            }
        }
    }

    private static boolean isFloatingPoint(DataType type) {
        return type == DataType.FP16 || type == DataType.BF16 || type == DataType.FP32 || type == DataType.FP64;
    }

    private static long nextBits(ByteBuffer data, DataType type) {
        return switch (type.byteSize()) {
            case 2 -> data.getShort() & 0xFFFFL;
            case 4 -> data.getInt() & 0xFFFF_FFFFL;
            default -> data.getLong();
        };
    }

    private static double valueOf(long bits, DataType type) {
        return switch (type) {
            case FP16 -> Float.float16ToFloat((short) bits);
            case BF16 -> FloatFormats.bfloat16ToFloat((short) bits);
            case FP32 -> Float.intBitsToFloat((int) bits);
            default -> Double.longBitsToDouble(bits);
        };
    }

    private static boolean isNaN(long bits, DataType type) {
        return Double.isNaN(valueOf(bits, type));
    }
}

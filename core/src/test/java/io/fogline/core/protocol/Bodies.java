package io.fogline.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.core.error.InferenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Hand-written bodies for the example tests, decoded as the node decodes what a client sends. */
final class Bodies {

    private Bodies() {}

    static InferenceRequest decodeJson(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return InferenceCodec.decodeRequest(body, body.length, -1);
    }

    /** A JSON header followed by a binary section, with the header length a client would send. */
    static InferenceRequest decodeWithBinary(String json, byte[] binary) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        byte[] body = ByteBuffer.allocate(header.length + binary.length)
                .put(header)
                .put(binary)
                .array();
        return InferenceCodec.decodeRequest(body, body.length, header.length);
    }

    static byte[] littleEndianFloats(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    /** Asserts the failure a client sees as {@code {"error": message}} with status 400. */
    static void assertInvalid(ThrowingCallable decoding, String message) {
        assertThatThrownBy(decoding)
                .isInstanceOfSatisfying(InferenceException.class, e -> assertThat(e.kind())
                        .isEqualTo(InferenceException.Kind.INVALID_ARGUMENT))
                .hasMessage(message);
    }
}

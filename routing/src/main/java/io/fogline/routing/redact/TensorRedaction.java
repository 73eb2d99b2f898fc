package io.fogline.routing.redact;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Redaction of the text in {@code BYTES} tensors, for requests that leave the node on the inference path. Elements that
 * are not valid UTF-8 (images, audio, serialised protobufs) are binary data, not text, and pass unchanged.
 */
public final class TensorRedaction {

    private TensorRedaction() {}

    /** The request with the text of every {@code BYTES} input redacted by {@code session}. */
    public static InferenceRequest redact(InferenceRequest request, RedactionSession session) {
        List<Tensor> inputs = new ArrayList<>(request.inputs().size());
        request.inputs().forEach(input -> inputs.add(mapText(input, session::redact)));
        return new InferenceRequest(request.id(), request.parameters(), inputs, request.outputs());
    }

    /** The response with the placeholders of {@code session} in every {@code BYTES} output put back. */
    public static InferenceResponse restore(InferenceResponse response, RedactionSession session) {
        List<Tensor> outputs = new ArrayList<>(response.outputs().size());
        response.outputs().forEach(output -> outputs.add(mapText(output, session::restore)));
        return new InferenceResponse(
                response.modelName(), response.modelVersion(), response.id(), response.parameters(), outputs);
    }

    private static Tensor mapText(Tensor tensor, UnaryOperator<String> change) {
        if (tensor.datatype() != DataType.BYTES) {
            return tensor;
        }
        List<byte[]> elements = tensor.toByteElements();
        List<byte[]> changed = new ArrayList<>(elements.size());
        for (byte[] element : elements) {
            String text = utf8(element);
            changed.add(text == null ? element : change.apply(text).getBytes(StandardCharsets.UTF_8));
        }
        return Tensor.ofBytes(tensor.name(), tensor.shape(), changed);
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}

package io.fogline.core.protocol;

import io.fogline.core.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * An inference request of the Open Inference Protocol.
 *
 * @param id echoed in the response; null when the client sent none
 * @param outputs the outputs asked for; empty means all outputs of the model
 */
public record InferenceRequest(
        String id, Map<String, Object> parameters, List<Tensor> inputs, List<RequestedOutput> outputs) {

    public InferenceRequest {
        parameters = Map.copyOf(parameters);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public static InferenceRequest of(Tensor... inputs) {
        return new InferenceRequest(null, Map.of(), List.of(inputs), List.of());
    }

    /** Whether outputs that the request does not name one by one go back as binary data. */
    public boolean binaryOutputsByDefault() {
        return Boolean.TRUE.equals(parameters.get("binary_data_output"));
    }

    public Tensor input(String name) {
        for (Tensor input : inputs) {
            if (input.name().equals(name)) {
                return input;
            }
        }
        return null;
    }
}

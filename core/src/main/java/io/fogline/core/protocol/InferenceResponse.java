package io.fogline.core.protocol;

import io.fogline.core.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** An inference response of the Open Inference Protocol. */
public record InferenceResponse(
        String modelName, String modelVersion, String id, Map<String, Object> parameters, List<Tensor> outputs) {

    public InferenceResponse {
        parameters = Map.copyOf(parameters);
        outputs = List.copyOf(outputs);
    }

    public Tensor output(String name) {
        for (Tensor output : outputs) {
            if (output.name().equals(name)) {
                return output;
            }
        }
        return null;
    }
}

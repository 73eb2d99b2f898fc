package io.fogline.core.protocol;

import io.fogline.core.error.InferenceException;
import io.fogline.core.tensor.Shapes;
import io.fogline.core.tensor.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a decoded request against the model it is for, so that a wrong name, datatype or shape becomes a 400 that
 * names the tensor and what was expected, rather than an error from deep inside an engine.
 */
public final class RequestValidator {

    private RequestValidator() {}

    /**
     * @param maxBatchSize the model's max batch size; 0 when its first dimension is not a batch dimension
     * @return the batch size of the request: the shared first dimension when batching, otherwise 1
     */
    public static int validate(InferenceRequest request, ModelMetadata model, int maxBatchSize) {
        Set<String> seen = new HashSet<>();
        long batch = -1;
        for (Tensor input : request.inputs()) {
            TensorMetadata expected = model.input(input.name());
            if (expected == null) {
                throw InferenceException.invalid("unknown input '" + input.name() + "' for model '" + model.name()
                        + "', expected inputs " + names(model.inputs()));
            }
            if (!seen.add(input.name())) {
                throw InferenceException.invalid("input '" + input.name() + "' is given more than once");
            }
            if (input.datatype() != expected.datatype()) {
                throw InferenceException.invalid("input '" + input.name() + "': expected datatype "
                        + expected.datatype() + ", got " + input.datatype());
            }
            if (!Shapes.matches(expected.shape(), input.shape())) {
                throw InferenceException.invalid("input '" + input.name() + "': expected shape "
                        + Shapes.format(expected.shape()) + ", got " + Shapes.format(input.shape()));
            }
            if (maxBatchSize > 0) {
                long rows = input.dim(0);
                if (batch >= 0 && rows != batch) {
                    throw InferenceException.invalid("input '" + input.name() + "': batch dimension is " + rows
                            + " but other inputs have " + batch);
                }
                batch = rows;
                if (rows > maxBatchSize) {
                    throw InferenceException.invalid("input '" + input.name() + "': batch size " + rows
                            + " exceeds the model's max_batch_size " + maxBatchSize);
                }
            }
        }
        if (seen.size() != model.inputs().size()) {
            for (TensorMetadata expected : model.inputs()) {
                if (!seen.contains(expected.name())) {
                    throw InferenceException.invalid("input '" + expected.name() + "' is missing; model '"
                            + model.name() + "' expects inputs " + names(model.inputs()));
                }
            }
        }
        for (RequestedOutput output : request.outputs()) {
            if (model.output(output.name()) == null) {
                throw InferenceException.invalid("unknown output '" + output.name() + "' for model '" + model.name()
                        + "', outputs are " + names(model.outputs()));
            }
        }
        return maxBatchSize > 0 ? (int) batch : 1;
    }

    private static List<String> names(List<TensorMetadata> tensors) {
        return tensors.stream().map(TensorMetadata::name).toList();
    }
}

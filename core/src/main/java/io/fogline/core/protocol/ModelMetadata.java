package io.fogline.core.protocol;

import java.util.List;

/** What {@code GET /v2/models/{name}} tells a client about a model. */
public record ModelMetadata(
        String name,
        List<String> versions,
        String platform,
        List<TensorMetadata> inputs,
        List<TensorMetadata> outputs) {

    public ModelMetadata {
        versions = List.copyOf(versions);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public TensorMetadata input(String inputName) {
        return find(inputs, inputName);
    }

    public TensorMetadata output(String outputName) {
        return find(outputs, outputName);
    }

    private static TensorMetadata find(List<TensorMetadata> tensors, String tensorName) {
        for (TensorMetadata tensor : tensors) {
            if (tensor.name().equals(tensorName)) {
                return tensor;
            }
        }
        return null;
    }
}

package io.fogline.optimize.samples;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random inputs for a model whose inputs are all FLOAT, for when no samples were given: enough to time a model and to
 * compare its outputs with another's, not to judge accuracy. Dynamic dimensions are taken as 1.
 */
public final class SyntheticSamples {

    private SyntheticSamples() {}

    public static SampleSet forModel(Path model, int count, long seed) throws OrtException {
        Map<String, long[]> shapes = new HashMap<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = OrtEnvironment.getEnvironment().createSession(model.toString(), options)) {
            for (Map.Entry<String, NodeInfo> input : session.getInputInfo().entrySet()) {
                if (!(input.getValue().getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
                    throw new IllegalArgumentException("model input '" + input.getKey() + "' is not a FLOAT tensor: "
                            + "give samples (a directory of <input name>.npy files) to measure this model");
                }
                long[] shape = tensor.getShape();
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = Math.max(1, shape[d]);
                }
                shapes.put(input.getKey(), shape);
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Sample> samples = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            Map<String, InputTensor> inputs = new HashMap<>();
            for (Map.Entry<String, long[]> input : shapes.entrySet()) {
                long elements = 1;
                for (long dimension : input.getValue()) {
                    elements *= dimension;
                }
                float[] values = new float[Math.toIntExact(elements)];
                for (int k = 0; k < values.length; k++) {
                    values[k] = random.nextFloat();
                }
                inputs.put(input.getKey(), new InputTensor.Floats(input.getValue(), values));
            }
            samples.add(new Sample(inputs));
        }
        return SampleSet.unlabelled(samples);
    }
}

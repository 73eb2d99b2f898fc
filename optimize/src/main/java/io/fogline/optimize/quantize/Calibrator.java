package io.fogline.optimize.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.fogline.optimize.samples.InputTensor;
import io.fogline.optimize.samples.Sample;
import io.fogline.optimize.samples.SampleSet;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Min-max calibration: runs the FP32 model on the calibration samples with the activations of interest exposed as extra
 * outputs and records the range each one takes.
 */
final class Calibrator {

    private Calibrator() {}

    static Map<String, ActivationRange> ranges(ModelProto model, Set<String> activations, SampleSet samples)
            throws OrtException {
        Set<String> graphInputs = new HashSet<>();
        model.getGraph().getInputList().forEach(input -> graphInputs.add(input.getName()));
        Set<String> exposed = new LinkedHashSet<>(activations);
        exposed.removeAll(graphInputs);
        Map<String, ActivationRange> ranges = new HashMap<>();
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session =
                        environment.createSession(withOutputs(model, exposed).toByteArray(), options)) {
            for (Sample sample : samples.samples()) {
                for (String input : activations) {
                    if (graphInputs.contains(input)
                            && sample.inputs().get(input) instanceof InputTensor.Floats floats) {
                        widen(ranges, input, floats.values());
                    }
                }
                if (exposed.isEmpty()) {
                    continue;
                }
                Map<String, OnnxTensor> inputs = new HashMap<>();
                try {
                    for (Map.Entry<String, InputTensor> input : sample.inputs().entrySet()) {
                        inputs.put(input.getKey(), input.getValue().toOrt(environment));
                    }
                    try (OrtSession.Result result = session.run(inputs, exposed)) {
                        for (String name : exposed) {
                            Optional<OnnxValue> value = result.get(name);
                            if (value.isPresent() && value.get() instanceof OnnxTensor tensor) {
                                widen(ranges, name, floats(tensor.getFloatBuffer()));
                            }
                        }
                    }
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
        }
        return ranges;
    }

    private static ModelProto withOutputs(ModelProto model, Set<String> names) {
        Set<String> present = new HashSet<>();
        model.getGraph().getOutputList().forEach(output -> present.add(output.getName()));
        var graph = model.getGraph().toBuilder();
        for (String name : names) {
            if (present.add(name)) {
                graph.addOutput(ValueInfoProto.newBuilder()
                        .setName(name)
                        .setType(TypeProto.newBuilder()
                                .setTensorType(
                                        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    private static float[] floats(FloatBuffer buffer) {
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    private static void widen(Map<String, ActivationRange> ranges, String name, float[] values) {
        if (values.length == 0) {
            return;
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float value : values) {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        ActivationRange seen = new ActivationRange(min, max);
        ranges.merge(name, seen, (a, b) -> a.including(b.min()).including(b.max()));
    }
}

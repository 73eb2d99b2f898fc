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
import java.util.function.BiConsumer;

/**
 * Static calibration: runs the FP32 model on the calibration samples with the activations of interest exposed as extra
 * outputs and turns the values each one takes into a range, by the {@link CalibrationMethod} asked for. Methods other
 * than min-max look at the samples twice: once for the extremes, once for a histogram between them.
 */
final class Calibrator {

    private Calibrator() {}

    static Map<String, ActivationRange> ranges(
            ModelProto model, Set<String> activations, SampleSet samples, CalibrationMethod method)
            throws OrtException {
        Map<String, ActivationRange> extremes = new HashMap<>();
        observe(model, activations, samples, (name, values) -> widen(extremes, name, values));
        if (method instanceof CalibrationMethod.MinMax) {
            return extremes;
        }
        boolean magnitudes = method instanceof CalibrationMethod.Entropy;
        Map<String, ActivationHistogram> histograms = new HashMap<>();
        extremes.forEach((name, range) -> histograms.put(
                name,
                magnitudes
                        ? new ActivationHistogram(0, Math.max(-range.min(), range.max()))
                        : new ActivationHistogram(range.min(), range.max())));
        observe(model, activations, samples, (name, values) -> histograms
                .get(name)
                .add(values, magnitudes));
        Map<String, ActivationRange> ranges = new HashMap<>();
        extremes.forEach((name, range) -> ranges.put(name, clipped(range, histograms.get(name), method)));
        return ranges;
    }

    private static ActivationRange clipped(
            ActivationRange range, ActivationHistogram histogram, CalibrationMethod method) {
        return switch (method) {
            case CalibrationMethod.MinMax ignored -> range;
            case CalibrationMethod.Percentile percentile -> {
                double tail = (100 - percentile.percent()) / 100;
                float low = range.min() < 0 ? histogram.quantile(tail) : range.min();
                float high = histogram.quantile(1 - tail);
                yield new ActivationRange(Math.min(low, high), Math.max(low, high));
            }
            case CalibrationMethod.Entropy ignored -> {
                // UINT8 spends all 255 steps on a range that starts at 0 (ReLU outputs, pixels), half on each side of
                // one that crosses it.
                float threshold = histogram.entropyThreshold(range.min() >= 0 ? ActivationRange.LEVELS : 127);
                yield new ActivationRange(
                        Math.max(range.min(), -threshold), Math.max(Math.min(range.max(), threshold), 0));
            }
        };
    }

    /** Runs the model on every sample and hands each activation's values (graph inputs included) to {@code sink}. */
    private static void observe(
            ModelProto model, Set<String> activations, SampleSet samples, BiConsumer<String, float[]> sink)
            throws OrtException {
        Set<String> graphInputs = new HashSet<>();
        model.getGraph().getInputList().forEach(input -> graphInputs.add(input.getName()));
        Set<String> exposed = new LinkedHashSet<>(activations);
        exposed.removeAll(graphInputs);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session =
                        environment.createSession(withOutputs(model, exposed).toByteArray(), options)) {
            for (Sample sample : samples.samples()) {
                for (String input : activations) {
                    if (graphInputs.contains(input)
                            && sample.inputs().get(input) instanceof InputTensor.Floats floats) {
                        sink.accept(input, floats.values());
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
                                sink.accept(name, floats(tensor.getFloatBuffer()));
                            }
                        }
                    }
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
        }
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

package io.fogline.optimize.report;

import ai.onnxruntime.OrtException;
import io.fogline.optimize.quantize.NodeOutcome;
import io.fogline.optimize.samples.SampleSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Measures a quantized model against its FP32 original. */
public final class QuantizationReporter {

    private QuantizationReporter() {}

    /**
     * @param nodes what quantization did to each node, as the quantizer reported it (empty for a model quantized
     *     elsewhere)
     * @param samples inputs for latency and quality; labelled ones make quality mean accuracy
     */
    public static QuantizationReport measure(
            Path fp32, Path quantized, String mode, List<NodeOutcome> nodes, SampleSet samples, LatencySettings latency)
            throws IOException, OrtException {
        return measure(List.of(new ModelStep("fp32", fp32)), quantized, mode, nodes, samples, latency);
    }

    /**
     * @param chain the steps that led to the FP32 model, ending with it; all are measured in the same run
     */
    public static QuantizationReport measure(
            List<ModelStep> chain,
            Path quantized,
            String mode,
            List<NodeOutcome> nodes,
            SampleSet samples,
            LatencySettings latency)
            throws IOException, OrtException {
        Path fp32 = chain.getLast().model();
        List<ModelStep> steps = new ArrayList<>(chain);
        steps.add(new ModelStep("int8 " + mode, quantized));
        StepsReport measured = StepsReporter.measure(steps, samples, latency);
        StepFigures before = measured.steps().get(steps.size() - 2);
        StepFigures after = measured.last();
        Quality quality = samples.labelled()
                ? new Quality.Accuracy(before.quality(), after.quality(), samples.size())
                : QualityProbe.measure(fp32, quantized, samples);
        return new QuantizationReport(
                fp32.getFileName().toString(),
                quantized.getFileName().toString(),
                mode,
                before.bytes(),
                after.bytes(),
                before.latencyMillis(),
                after.latencyMillis(),
                latency,
                quality,
                nodes,
                measured);
    }
}

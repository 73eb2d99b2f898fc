package io.fogline.optimize.report;

import ai.onnxruntime.OrtException;
import io.fogline.optimize.quantize.NodeOutcome;
import io.fogline.optimize.samples.SampleSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        double[] medians = LatencyProbe.medianMillis(List.of(fp32, quantized), samples, latency);
        Quality quality = QualityProbe.measure(fp32, quantized, samples);
        return new QuantizationReport(
                fp32.getFileName().toString(),
                quantized.getFileName().toString(),
                mode,
                Files.size(fp32),
                Files.size(quantized),
                medians[0],
                medians[1],
                latency,
                quality,
                nodes);
    }
}

package io.fogline.optimize.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.fogline.optimize.quantize.NodeOutcome;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one quantization cost and gained: file size, median latency in ONNX Runtime and answer quality, before and
 * after, and what happened to each node.
 *
 * @param model the FP32 model's file name
 * @param quantizedModel the quantized model's file name
 * @param mode how it was quantized (dynamic, static)
 * @param bytesBefore the FP32 file's size
 * @param bytesAfter the quantized file's size
 * @param latencyMillisBefore the FP32 model's median single-sample latency
 * @param latencyMillisAfter the quantized model's
 * @param latency how latency was measured
 * @param quality accuracy or similarity
 * @param nodes the quantized nodes and the nodes left with FP32 weights
 * @param steps every step from the first recorded one to the quantized model, measured in the same run
 */
public record QuantizationReport(
        String model,
        String quantizedModel,
        String mode,
        long bytesBefore,
        long bytesAfter,
        double latencyMillisBefore,
        double latencyMillisAfter,
        LatencySettings latency,
        Quality quality,
        List<NodeOutcome> nodes,
        StepsReport steps) {

    public QuantizationReport {
        nodes = List.copyOf(nodes);
    }

    /** How many times smaller the quantized file is. */
    public double compression() {
        return (double) bytesBefore / bytesAfter;
    }

    /** How many times faster the quantized model answers. */
    public double speedup() {
        return latencyMillisBefore / latencyMillisAfter;
    }

    public List<NodeOutcome> quantizedNodes() {
        return nodes.stream().filter(NodeOutcome::quantized).toList();
    }

    public List<NodeOutcome> leftFp32() {
        return nodes.stream().filter(node -> !node.quantized()).toList();
    }

    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append(format("Quantized %s -> %s (%s)%n", model, quantizedModel, mode));
        text.append(format("  size       %,d B -> %,d B (%.2fx smaller)%n", bytesBefore, bytesAfter, compression()));
        text.append(format(
                "  latency    %.3f ms -> %.3f ms (%.2fx faster; median of %d single-sample runs, %d intra-op thread%s)%n",
                latencyMillisBefore,
                latencyMillisAfter,
                speedup(),
                latency.runs(),
                latency.intraOpThreads(),
                latency.intraOpThreads() == 1 ? "" : "s"));
        switch (quality) {
            case Quality.Accuracy accuracy ->
                text.append(format(
                        "  accuracy   %.2f%% -> %.2f%% (%+.2f points) on %d labelled samples%n",
                        100 * accuracy.before(), 100 * accuracy.after(), -accuracy.pointsLost(), accuracy.samples()));
            case Quality.Similarity similarity ->
                text.append(format(
                        "  similarity cosine to FP32 mean %.4f, min %.4f over %d samples%n",
                        similarity.meanCosine(), similarity.minCosine(), similarity.samples()));
        }
        text.append(format("  quantized  %d nodes%s%n", quantizedNodes().size(), countsByOp(quantizedNodes())));
        if (leftFp32().isEmpty()) {
            text.append("  left FP32  none\n");
        }
        for (NodeOutcome node : leftFp32()) {
            text.append("  left FP32  ")
                    .append(node.opType())
                    .append(" '")
                    .append(node.node())
                    .append("': ");
            text.append(node.detail()).append('\n');
        }
        if (steps.steps().size() > 2) {
            text.append("  every step so far:\n").append(steps.toText());
        }
        return text.toString();
    }

    public String toJson() {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = new JsonFactory().createGenerator(out).useDefaultPrettyPrinter()) {
            json.writeStartObject();
            json.writeStringField("model", model);
            json.writeStringField("quantized_model", quantizedModel);
            json.writeStringField("mode", mode);
            json.writeObjectFieldStart("size_bytes");
            json.writeNumberField("before", bytesBefore);
            json.writeNumberField("after", bytesAfter);
            json.writeNumberField("compression", round(compression()));
            json.writeEndObject();
            json.writeObjectFieldStart("latency_ms");
            json.writeStringField("statistic", "median");
            json.writeNumberField("before", round(latencyMillisBefore));
            json.writeNumberField("after", round(latencyMillisAfter));
            json.writeNumberField("speedup", round(speedup()));
            json.writeNumberField("runs", latency.runs());
            json.writeNumberField("intra_op_threads", latency.intraOpThreads());
            json.writeEndObject();
            json.writeObjectFieldStart("quality");
            switch (quality) {
                case Quality.Accuracy accuracy -> {
                    json.writeStringField("metric", "accuracy");
                    json.writeNumberField("before", round(accuracy.before()));
                    json.writeNumberField("after", round(accuracy.after()));
                    json.writeNumberField("points_lost", round(accuracy.pointsLost()));
                    json.writeNumberField("samples", accuracy.samples());
                }
                case Quality.Similarity similarity -> {
                    json.writeStringField("metric", "cosine_similarity_to_fp32");
                    json.writeNumberField("mean", round(similarity.meanCosine()));
                    json.writeNumberField("min", round(similarity.minCosine()));
                    json.writeNumberField("samples", similarity.samples());
                }
            }
            json.writeEndObject();
            writeNodes(json, "quantized_nodes", quantizedNodes());
            writeNodes(json, "left_fp32", leftFp32());
            steps.writeFields(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string cannot fail", e);
        }
        return out + "\n";
    }

    private static void writeNodes(JsonGenerator json, String field, List<NodeOutcome> nodes) throws IOException {
        json.writeArrayFieldStart(field);
        for (NodeOutcome node : nodes) {
            json.writeStartObject();
            json.writeStringField("node", node.node());
            json.writeStringField("op_type", node.opType());
            json.writeStringField("detail", node.detail());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static String countsByOp(List<NodeOutcome> nodes) {
        Map<String, Integer> counts = new TreeMap<>();
        nodes.forEach(node -> counts.merge(node.opType(), 1, Integer::sum));
        StringBuilder text = new StringBuilder();
        counts.forEach((op, count) ->
                text.append(text.isEmpty() ? " (" : ", ").append(op).append(" ").append(count));
        return text.isEmpty() ? "" : text.append(")").toString();
    }

    private static double round(double value) {
        return StepsReport.round(value);
    }

    private static String format(String pattern, Object... arguments) {
        return String.format(Locale.ROOT, pattern, arguments);
    }
}

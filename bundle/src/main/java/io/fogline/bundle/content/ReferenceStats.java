package io.fogline.bundle.content;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.core.telemetry.PredictedClasses;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Tensor;
import io.fogline.core.tensor.TensorValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * reference-stats.json (docs/protocol.md): per input and per output, the count, mean, standard deviation, range and
 * a 10-bin histogram of the values a bundle's golden cases hold; what drift detection compares live traffic with.
 */
public final class ReferenceStats {

    public static final int BINS = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceStats() {}

    public static byte[] of(List<GoldenCase> cases) {
        ObjectNode root = JSON.createObjectNode();
        root.put("samples", cases.size());
        root.set("inputs", summarize(cases, golden -> golden.request().inputs(), false));
        root.set("outputs", summarize(cases, golden -> golden.expected().outputs(), true));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
    }

    /** @param outputs whether these are outputs, whose class scores also give the mix of predicted classes */
    private static ObjectNode summarize(
            List<GoldenCase> cases, Function<GoldenCase, List<Tensor>> tensors, boolean outputs) {
        Map<String, List<Tensor>> byName = new LinkedHashMap<>();
        for (GoldenCase golden : cases) {
            for (Tensor tensor : tensors.apply(golden)) {
                byName.computeIfAbsent(tensor.name(), name -> new ArrayList<>()).add(tensor);
            }
        }
        ObjectNode summaries = JSON.createObjectNode();
        byName.forEach((name, list) -> {
            ObjectNode summary = summary(list);
            if (outputs) {
                classes(list).ifPresent(counts -> {
                    ArrayNode mix = summary.putArray("classes");
                    for (long count : counts) {
                        mix.add(count);
                    }
                });
            }
            summaries.set(name, summary);
        });
        return summaries;
    }

    /**
     * How many rows predict each class (the arg-max of the last dimension), for floating-point tensors of rank 2 or
     * more with at least two classes: what a node counts of the answers it gives.
     */
    private static Optional<long[]> classes(List<Tensor> tensors) {
        int width = PredictedClasses.width(tensors.get(0));
        if (width == 0 || tensors.stream().anyMatch(tensor -> PredictedClasses.width(tensor) != width)) {
            return Optional.empty();
        }
        long[] counts = new long[width];
        tensors.forEach(tensor -> PredictedClasses.count(tensor, counts));
        return Optional.of(counts);
    }

    private static ObjectNode summary(List<Tensor> tensors) {
        DataType type = tensors.get(0).datatype();
        ObjectNode node = JSON.createObjectNode();
        node.put("datatype", type.name());
        if (!TensorValues.isNumeric(type) || tensors.stream().anyMatch(t -> t.datatype() != type)) {
            node.put("count", tensors.stream().mapToLong(Tensor::elementCount).sum());
            return node;
        }
        List<double[]> parts = tensors.stream().map(TensorValues::of).toList();
        long count = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] values : parts) {
            for (double value : values) {
                count++;
                sum += value;
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
        }
        node.put("count", count);
        if (count == 0) {
            return node;
        }
        double mean = sum / count;
        double squares = 0;
        for (double[] values : parts) {
            for (double value : values) {
                squares += (value - mean) * (value - mean);
            }
        }
        node.put("mean", mean)
                .put("std", Math.sqrt(squares / count))
                .put("min", min)
                .put("max", max);
        int bins = min == max ? 1 : BINS;
        double width = (max - min) / bins;
        long[] counts = new long[bins];
        for (double[] values : parts) {
            for (double value : values) {
                counts[bins == 1 ? 0 : (int) Math.min(bins - 1, Math.floor((value - min) / width))]++;
            }
        }
        ObjectNode histogram = node.putObject("histogram");
        ArrayNode edges = histogram.putArray("edges");
        for (int i = 0; i <= bins; i++) {
            edges.add(i == bins ? max : min + i * width);
        }
        ArrayNode countNodes = histogram.putArray("counts");
        for (long binCount : counts) {
            countNodes.add(binCount);
        }
        return node;
    }
}

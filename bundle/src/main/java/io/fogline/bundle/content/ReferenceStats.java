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
 * With labelled reference inputs also their count and the model's accuracy on them.
 */
public final class ReferenceStats {

    public static final int BINS = 10;
    /** The request parameter that gives a reference input's true class, and its form for each row of a batch. */
    public static final String LABEL = "label";

    public static final String LABELS = "labels";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceStats() {}

    public static byte[] of(List<GoldenCase> cases) {
        ObjectNode root = JSON.createObjectNode();
        root.put("samples", cases.size());
        root.set("inputs", summarize(cases, golden -> golden.request().inputs(), false));
        root.set("outputs", summarize(cases, golden -> golden.expected().outputs(), true));
        long[] accuracy = accuracy(cases);
        if (accuracy[0] > 0) {
            root.put("labelled", accuracy[0]);
            root.put("accuracy", (double) accuracy[1] / accuracy[0]);
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
    }

    /**
     * Rows whose request says its true class ({@code parameters.label} for one row, {@code parameters.labels} for
     * each), and how many of them the model's first class-scores output predicts: the reference accuracy that live
     * accuracy from the field is held against.
     */
    private static long[] accuracy(List<GoldenCase> cases) {
        long labelled = 0;
        long right = 0;
        for (GoldenCase golden : cases) {
            Object one = golden.request().parameters().get(LABEL);
            Object many = golden.request().parameters().get(LABELS);
            List<?> labels = one != null ? List.of(one) : many instanceof List<?> list ? list : List.of();
            Optional<Tensor> scores = golden.expected().outputs().stream()
                    .filter(output -> PredictedClasses.width(output) > 0)
                    .findFirst();
            if (labels.isEmpty() || scores.isEmpty()) {
                continue;
            }
            int width = PredictedClasses.width(scores.get());
            double[] values = TensorValues.of(scores.get());
            if (values.length / width != labels.size()) {
                throw new IllegalArgumentException(
                        "a reference input has " + labels.size() + " labels for " + values.length / width + " rows");
            }
            for (int row = 0; row < labels.size(); row++) {
                if (!(labels.get(row) instanceof Number label) || label.intValue() < 0 || label.intValue() >= width) {
                    throw new IllegalArgumentException("a reference input's label must be a class index from 0 to "
                            + (width - 1) + ", got " + labels.get(row));
                }
                long[] predicted = new long[width];
                PredictedClasses.count(java.util.Arrays.copyOfRange(values, row * width, (row + 1) * width), predicted);
                labelled++;
                right += predicted[label.intValue()] == 1 ? 1 : 0;
            }
        }
        return new long[] {labelled, right};
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

package io.fogline.learn.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * An architecture in the command line's notation:
 *
 * <ul>
 *   <li>{@code softmax}: multinomial logistic regression;
 *   <li>{@code mlp:256,128}: hidden ReLU layers of those widths, optionally followed by {@code :dropout=0.2} to drop
 *       activations after each hidden layer while training;
 *   <li>{@code cnn:16,32}: 3×3 convolutions with that many filters, each followed by ReLU and 2×2 max pooling, then
 *       a dense layer to the classes; {@code cnn:32,64:dense=128:dropout=0.3} puts hidden ReLU layers of those widths
 *       (with dropout after each) between the convolutions and the classes.
 * </ul>
 *
 * @param convolutionFilters the filters of each convolution stage, none for softmax and MLPs
 * @param hiddenWidths the widths of the hidden dense layers
 * @param dropout the dropout rate after each hidden dense layer, 0 for none
 */
public record ModelSpec(int[] convolutionFilters, int[] hiddenWidths, double dropout) {

    private static final double RELU_GAIN = Math.sqrt(2);
    private static final String FORMS =
            "softmax, mlp:W1[,W2...][:dropout=R] or cnn:F1[,F2...][:dense=W1[,W2...]][:dropout=R]";

    public ModelSpec {
        convolutionFilters = convolutionFilters.clone();
        hiddenWidths = hiddenWidths.clone();
        for (int size : concat(convolutionFilters, hiddenWidths)) {
            if (size <= 0) {
                throw new IllegalArgumentException("layer sizes must be positive, not " + size);
            }
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), not " + dropout);
        }
        if (dropout > 0 && hiddenWidths.length == 0) {
            throw new IllegalArgumentException("dropout needs hidden layers to drop from");
        }
    }

    public static ModelSpec parse(String text) {
        String[] parts = text.trim().split(":", -1);
        return switch (parts[0]) {
            case "softmax" -> {
                if (parts.length != 1) {
                    throw unknown(text);
                }
                yield new ModelSpec(new int[0], new int[0], 0);
            }
            case "mlp" ->
                switch (parts.length) {
                    case 2 -> new ModelSpec(new int[0], parseSizes(parts[1], text), 0);
                    case 3 -> new ModelSpec(new int[0], parseSizes(parts[1], text), parseDropout(parts[2], text));
                    default -> throw unknown(text);
                };
            case "cnn" -> {
                if (parts.length < 2 || parts.length > 4) {
                    throw unknown(text);
                }
                int[] dense = new int[0];
                double dropout = 0;
                int next = 2;
                if (parts.length > next && parts[next].startsWith("dense=")) {
                    dense = parseSizes(parts[next++].substring("dense=".length()), text);
                }
                if (parts.length > next) {
                    dropout = parseDropout(parts[next++], text);
                }
                if (next != parts.length) {
                    throw unknown(text);
                }
                yield new ModelSpec(parseSizes(parts[1], text), dense, dropout);
            }
            default -> throw unknown(text);
        };
    }

    @Override
    public int[] convolutionFilters() {
        return convolutionFilters.clone();
    }

    @Override
    public int[] hiddenWidths() {
        return hiddenWidths.clone();
    }

    /**
     * A freshly initialised network for examples of {@code exampleShape} ({@code [channels, height, width]} for a CNN,
     * any shape for the others, which see it flat) and {@code classes} outputs.
     */
    public Network build(int[] exampleShape, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        int[] shape = exampleShape;
        for (int k = 0; k < convolutionFilters.length; k++) {
            Conv2d convolution = new Conv2d("conv" + k, shape, convolutionFilters[k], random);
            layers.add(convolution);
            layers.add(new Relu(convolution.outputShape()));
            MaxPool2d pool = new MaxPool2d(convolution.outputShape());
            layers.add(pool);
            shape = pool.outputShape();
        }
        for (int k = 0; k < hiddenWidths.length; k++) {
            Dense dense = new Dense("dense" + k, shape, hiddenWidths[k], RELU_GAIN, random);
            shape = dense.outputShape();
            layers.add(dense);
            layers.add(new Relu(shape));
            if (dropout > 0) {
                layers.add(new Dropout(shape, dropout, random.split()));
            }
        }
        layers.add(new Dense("dense" + hiddenWidths.length, shape, classes, 1, random));
        return new Network(exampleShape, layers);
    }

    @Override
    public String toString() {
        String dropping = dropout > 0 ? ":dropout=" + dropout : "";
        if (convolutionFilters.length > 0) {
            String dense = hiddenWidths.length > 0 ? ":dense=" + join(hiddenWidths) : "";
            return "cnn:" + join(convolutionFilters) + dense + dropping;
        }
        if (hiddenWidths.length == 0) {
            return "softmax";
        }
        return "mlp:" + join(hiddenWidths) + dropping;
    }

    private static String join(int[] sizes) {
        return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static int[] parseSizes(String text, String spec) {
        try {
            return Arrays.stream(text.split(","))
                    .mapToInt(w -> Integer.parseInt(w.trim()))
                    .toArray();
        } catch (NumberFormatException e) {
            throw unknown(spec);
        }
    }

    private static double parseDropout(String text, String spec) {
        if (!text.startsWith("dropout=")) {
            throw unknown(spec);
        }
        try {
            return Double.parseDouble(text.substring("dropout=".length()));
        } catch (NumberFormatException e) {
            throw unknown(spec);
        }
    }

    private static IllegalArgumentException unknown(String spec) {
        return new IllegalArgumentException("unknown model '" + spec + "': expected " + FORMS + ", e.g. mlp:256,128");
    }
}

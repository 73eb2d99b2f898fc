package io.fogline.learn.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An architecture in the command line's notation: {@code softmax} (multinomial logistic regression) or
 * {@code mlp:256,128} (hidden ReLU layers of those widths), optionally followed by {@code :dropout=0.2} to drop
 * activations after each hidden layer while training.
 *
 * @param hiddenWidths the widths of the hidden layers, none for softmax regression
 * @param dropout the dropout rate after each hidden layer, 0 for none
 */
public record ModelSpec(int[] hiddenWidths, double dropout) {

    private static final double RELU_GAIN = Math.sqrt(2);

    public ModelSpec {
        hiddenWidths = hiddenWidths.clone();
        for (int width : hiddenWidths) {
            if (width <= 0) {
                throw new IllegalArgumentException("hidden layer widths must be positive, not " + width);
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
                yield new ModelSpec(new int[0], 0);
            }
            case "mlp" ->
                switch (parts.length) {
                    case 2 -> new ModelSpec(parseWidths(parts[1], text), 0);
                    case 3 -> new ModelSpec(parseWidths(parts[1], text), parseDropout(parts[2], text));
                    default -> throw unknown(text);
                };
            default -> throw unknown(text);
        };
    }

    @Override
    public int[] hiddenWidths() {
        return hiddenWidths.clone();
    }

    /** A freshly initialised network for inputs of {@code inputShape} and {@code classes} outputs. */
    public Network build(int[] inputShape, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        int[] shape = inputShape;
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
        return new Network(inputShape, layers);
    }

    @Override
    public String toString() {
        if (hiddenWidths.length == 0) {
            return "softmax";
        }
        String widths = String.join(
                ",", Arrays.stream(hiddenWidths).mapToObj(Integer::toString).toList());
        return "mlp:" + widths + (dropout > 0 ? ":dropout=" + dropout : "");
    }

    private static int[] parseWidths(String text, String spec) {
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
        return new IllegalArgumentException(
                "unknown model '" + spec + "': expected softmax or mlp:W1[,W2...][:dropout=R], e.g. mlp:256,128");
    }
}

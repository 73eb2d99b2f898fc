package io.fogline.learn.prune;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.model.Conv2d;
import io.fogline.learn.model.Dense;
import io.fogline.learn.model.Dropout;
import io.fogline.learn.model.Layer;
import io.fogline.learn.model.MaxPool2d;
import io.fogline.learn.model.Network;
import io.fogline.learn.model.Relu;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Structured pruning: removes whole hidden units of dense layers and whole channels of convolutions, so the pruned
 * network is a smaller dense network (smaller weight matrices, fewer multiply-adds), not a sparse one that a runtime
 * would still compute in full.
 *
 * <p>A unit's importance is what it hands on: the mean magnitude of its activation over sample examples (after its
 * ReLU and pooling, as the next weighted layer sees it) times the L2 norm of the weights that read it in the next
 * weighted layer. A unit whose activation is always zero, or whose outgoing weights are all zero, has importance 0 and
 * removing it leaves the network's function exactly as it was.
 */
public final class Pruner {

    /** The importance of each unit of one prunable layer: a convolution, or a dense layer other than the last. */
    public record LayerImportance(int layer, String name, double[] importance) {

        public int units() {
            return importance.length;
        }

        /** The indices of the {@code count} most important units, in their original order. */
        public int[] mostImportant(int count) {
            return IntStream.range(0, importance.length)
                    .boxed()
                    .sorted(Comparator.comparingDouble((Integer unit) -> -importance[unit])
                            .thenComparingInt(unit -> unit))
                    .limit(count)
                    .mapToInt(Integer::intValue)
                    .sorted()
                    .toArray();
        }
    }

    private static final int CHUNK = 500;

    private Pruner() {}

    /** The importance of every unit of every prunable layer, measured on {@code sample}. */
    public static List<LayerImportance> importance(Network network, Dataset sample) {
        List<Layer> layers = network.layers();
        List<Integer> prunable = prunableLayers(network);
        double[][] activity = new double[layers.size()][];
        int width = network.inputSize();
        for (int start = 0; start < sample.size(); start += CHUNK) {
            int count = Math.min(CHUNK, sample.size() - start);
            float[] activations = Arrays.copyOfRange(sample.features(), start * width, (start + count) * width);
            for (int k = 0; k < layers.size(); k++) {
                activations = layers.get(k).forward(activations, count, false);
                int reader = k + 1;
                if (reader < layers.size() && isWeighted(layers.get(reader)) && previousWeighted(layers, reader) >= 0) {
                    // What enters a weighted layer from a prunable one: its magnitude per unit (channel or feature).
                    addMagnitudes(activations, count, layers.get(k).outputShape(), activity, reader);
                }
            }
        }
        List<LayerImportance> result = new ArrayList<>();
        for (int layer : prunable) {
            int reader = nextWeighted(layers, layer);
            double[] magnitude = activity[reader];
            double[] outgoing = outgoingNorms(layers.get(reader), magnitude.length);
            double[] importance = new double[magnitude.length];
            for (int unit = 0; unit < importance.length; unit++) {
                importance[unit] = magnitude[unit] / Math.max(1, sample.size()) * outgoing[unit];
            }
            result.add(new LayerImportance(layer, name(layers.get(layer)), importance));
        }
        return result;
    }

    /**
     * A new network whose prunable layers keep their {@code widths} most important units (as {@link #importance} on
     * {@code sample} ranks them), with the surviving weights copied; {@code network} is left as it was.
     */
    public static Network prune(Network network, List<Integer> widths, Dataset sample) {
        List<LayerImportance> importance = importance(network, sample);
        if (widths.size() != importance.size()) {
            throw new IllegalArgumentException(
                    "the network has " + importance.size() + " prunable layers, not " + widths.size());
        }
        List<int[]> kept = new ArrayList<>();
        for (int k = 0; k < widths.size(); k++) {
            LayerImportance layer = importance.get(k);
            if (widths.get(k) < 1 || widths.get(k) > layer.units()) {
                throw new IllegalArgumentException(
                        layer.name() + " has " + layer.units() + " units, it cannot keep " + widths.get(k));
            }
            kept.add(layer.mostImportant(widths.get(k)));
        }
        return keep(network, kept);
    }

    /**
     * A new network that keeps, of each prunable layer in order, the units listed (ascending), and of every other
     * layer everything that is left of its input.
     */
    public static Network keep(Network network, List<int[]> keptUnits) {
        List<Layer> layers = network.layers();
        List<Integer> prunable = prunableLayers(network);
        if (keptUnits.size() != prunable.size()) {
            throw new IllegalArgumentException(
                    "the network has " + prunable.size() + " prunable layers, not " + keptUnits.size());
        }
        SplittableRandom unused = new SplittableRandom(0);
        List<Layer> pruned = new ArrayList<>();
        int[] shape = network.inputShape();
        int[] keptIn = IntStream.range(0, leading(shape)).toArray();
        for (int k = 0; k < layers.size(); k++) {
            Layer layer = layers.get(k);
            int at = prunable.indexOf(k);
            switch (layer) {
                case Conv2d convolution -> {
                    int[] keptOut =
                            at >= 0 ? keptUnits.get(at) : all(convolution.outputShape()[0]);
                    Conv2d smaller = new Conv2d(
                            name(convolution),
                            new int[] {keptIn.length, shape[1], shape[2]},
                            checked(keptOut, convolution.outputShape()[0], name(convolution)).length,
                            unused);
                    copyConvolution(convolution, smaller, keptIn, keptOut);
                    pruned.add(smaller);
                    keptIn = keptOut;
                    shape = convolution.outputShape();
                }
                case Dense dense -> {
                    int outputs = dense.outputShape()[0];
                    int[] keptOut = at >= 0 ? keptUnits.get(at) : all(outputs);
                    int[] keptFeatures = features(keptIn, shape);
                    Dense smaller = new Dense(
                            name(dense),
                            new int[] {keptFeatures.length},
                            checked(keptOut, outputs, name(dense)).length,
                            1,
                            unused);
                    copyDense(dense, smaller, keptFeatures, keptOut);
                    pruned.add(smaller);
                    keptIn = keptOut;
                    shape = dense.outputShape();
                }
                case Relu relu -> pruned.add(new Relu(reduced(relu.outputShape(), keptIn)));
                case MaxPool2d pool -> {
                    pruned.add(new MaxPool2d(reduced(pool.inputShape(), keptIn)));
                    shape = pool.outputShape();
                }
                case Dropout dropout ->
                    pruned.add(new Dropout(
                            reduced(dropout.outputShape(), keptIn), dropout.rate(), new SplittableRandom(k)));
            }
        }
        return new Network(network.inputShape(), pruned);
    }

    /** Indices of the convolutions and of the dense layers before the last: what pruning may shrink. */
    static List<Integer> prunableLayers(Network network) {
        List<Layer> layers = network.layers();
        List<Integer> prunable = new ArrayList<>();
        for (int k = 0; k < layers.size(); k++) {
            if (isWeighted(layers.get(k)) && nextWeighted(layers, k) > 0) {
                prunable.add(k);
            }
        }
        return prunable;
    }

    private static int nextWeighted(List<Layer> layers, int after) {
        for (int k = after + 1; k < layers.size(); k++) {
            if (isWeighted(layers.get(k))) {
                return k;
            }
        }
        return -1;
    }

    private static boolean isWeighted(Layer layer) {
        return layer instanceof Conv2d || layer instanceof Dense;
    }

    private static int previousWeighted(List<Layer> layers, int before) {
        for (int k = before - 1; k >= 0; k--) {
            if (isWeighted(layers.get(k))) {
                return k;
            }
        }
        return -1;
    }

    /** Adds, per unit of the activation (a channel of an image, or a feature), the summed mean magnitude per example. */
    private static void addMagnitudes(float[] activations, int count, int[] shape, double[][] activity, int reader) {
        int units = leading(shape);
        int perUnit = Arrays.stream(shape).reduce(1, Math::multiplyExact) / units;
        double[] sums = activity[reader] == null ? (activity[reader] = new double[units]) : activity[reader];
        for (int example = 0; example < count; example++) {
            int offset = example * units * perUnit;
            for (int unit = 0; unit < units; unit++) {
                double sum = 0;
                for (int p = 0; p < perUnit; p++) {
                    sum += Math.abs(activations[offset + unit * perUnit + p]);
                }
                sums[unit] += sum / perUnit;
            }
        }
    }

    /** The L2 norm of the weights of {@code reader} that read each of {@code units} input units. */
    private static double[] outgoingNorms(Layer reader, int units) {
        double[] squares = new double[units];
        switch (reader) {
            case Conv2d convolution -> {
                float[] w = convolution.weight().values();
                int[] shape = convolution.weight().shape();
                int taps = shape[2] * shape[3];
                for (int f = 0; f < shape[0]; f++) {
                    for (int c = 0; c < units; c++) {
                        for (int t = 0; t < taps; t++) {
                            double v = w[(f * units + c) * taps + t];
                            squares[c] += v * v;
                        }
                    }
                }
            }
            case Dense dense -> {
                float[] w = dense.weight().values();
                int outputs = dense.outputShape()[0];
                int rowsPerUnit = dense.inputSize() / units;
                for (int row = 0; row < dense.inputSize(); row++) {
                    for (int o = 0; o < outputs; o++) {
                        double v = w[row * outputs + o];
                        squares[row / rowsPerUnit] += v * v;
                    }
                }
            }
            default -> throw new IllegalStateException("not a weighted layer: " + reader);
        }
        return Arrays.stream(squares).map(Math::sqrt).toArray();
    }

    private static void copyConvolution(Conv2d from, Conv2d to, int[] keptChannels, int[] keptFilters) {
        int channels = from.inputShape()[0];
        int taps = from.weight().size() / (from.outputShape()[0] * channels);
        float[] source = from.weight().values();
        float[] target = to.weight().values();
        for (int f = 0; f < keptFilters.length; f++) {
            for (int c = 0; c < keptChannels.length; c++) {
                System.arraycopy(
                        source,
                        (keptFilters[f] * channels + keptChannels[c]) * taps,
                        target,
                        (f * keptChannels.length + c) * taps,
                        taps);
            }
            to.bias().values()[f] = from.bias().values()[keptFilters[f]];
        }
    }

    private static void copyDense(Dense from, Dense to, int[] keptInputs, int[] keptOutputs) {
        int outputs = from.outputShape()[0];
        float[] source = from.weight().values();
        float[] target = to.weight().values();
        for (int i = 0; i < keptInputs.length; i++) {
            for (int o = 0; o < keptOutputs.length; o++) {
                target[i * keptOutputs.length + o] = source[keptInputs[i] * outputs + keptOutputs[o]];
            }
        }
        for (int o = 0; o < keptOutputs.length; o++) {
            to.bias().values()[o] = from.bias().values()[keptOutputs[o]];
        }
    }

    /** The flat features that remain of an activation of {@code shape} whose leading units {@code kept} remain. */
    private static int[] features(int[] kept, int[] shape) {
        int perUnit = Arrays.stream(shape).reduce(1, Math::multiplyExact) / leading(shape);
        return Arrays.stream(kept)
                .flatMap(unit -> IntStream.range(unit * perUnit, (unit + 1) * perUnit))
                .toArray();
    }

    private static int[] reduced(int[] shape, int[] kept) {
        int[] smaller = shape.clone();
        smaller[0] = kept.length;
        return smaller;
    }

    /** Channels of an image, features of a flat vector. */
    private static int leading(int[] shape) {
        return shape.length == 3 ? shape[0] : Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    private static int[] all(int count) {
        return IntStream.range(0, count).toArray();
    }

    private static int[] checked(int[] kept, int units, String layer) {
        if (kept.length == 0) {
            throw new IllegalArgumentException(layer + ": at least one unit must stay");
        }
        for (int k = 0; k < kept.length; k++) {
            if (kept[k] < 0 || kept[k] >= units || (k > 0 && kept[k] <= kept[k - 1])) {
                throw new IllegalArgumentException(layer + ": kept units must be ascending indices below " + units
                        + ", not " + Arrays.toString(kept));
            }
        }
        return kept;
    }

    private static String name(Layer layer) {
        String parameter = layer.parameters().getFirst().name();
        return parameter.substring(0, parameter.lastIndexOf('.'));
    }
}

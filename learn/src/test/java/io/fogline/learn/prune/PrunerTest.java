package io.fogline.learn.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.model.Conv2d;
import io.fogline.learn.model.Dense;
import io.fogline.learn.model.Layer;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrunerTest {

    private static final int[] IMAGE = {1, 8, 8};
    private static final int CLASSES = 3;

    /**
     * Units whose outgoing weights are all zero contribute nothing; removing exactly those leaves every answer as it
     * was, before any fine-tuning.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "mlp:8,6; 3,2",
                "mlp:5:dropout=0.3; 2",
                "cnn:4,3; 1,2",
                "cnn:4:dense=5; 2,3",
                "cnn:3,4:dense=6; 1,1,4"
            })
    void removingUnitsOfZeroImportanceKeepsTheFunction(String spec, String silencedCounts) {
        Network network = ModelSpec.parse(spec).build(IMAGE, CLASSES, 7);
        int[] silenced = java.util.Arrays.stream(silencedCounts.split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        List<Integer> prunable = Pruner.prunableLayers(network);
        List<Integer> widths = PruneJob.widths(network);
        for (int k = 0; k < prunable.size(); k++) {
            // Silence the last units of each prunable layer: zero what the next weighted layer reads from them.
            int units = widths.get(k);
            for (int unit = units - silenced[k]; unit < units; unit++) {
                silence(network, prunable.get(k), unit, units);
            }
        }
        Dataset sample = randomImages(50, 1);

        List<Pruner.LayerImportance> importance = Pruner.importance(network, sample);
        Network pruned = Pruner.prune(
                network,
                IntStream.range(0, widths.size())
                        .mapToObj(k -> widths.get(k) - silenced[k])
                        .toList(),
                sample);

        for (int k = 0; k < importance.size(); k++) {
            double[] scores = importance.get(k).importance();
            for (int unit = scores.length - silenced[k]; unit < scores.length; unit++) {
                assertThat(scores[unit])
                        .as("silenced unit %d of layer %d", unit, k)
                        .isZero();
            }
        }
        assertThat(PruneJob.widths(pruned))
                .isEqualTo(IntStream.range(0, widths.size())
                        .mapToObj(k -> widths.get(k) - silenced[k])
                        .toList());
        assertThat(pruned.parameterCount()).isLessThan(network.parameterCount());
        Dataset unseen = randomImages(20, 2);
        assertThat(pruned.probabilities(unseen.features(), 20))
                .containsExactly(network.probabilities(unseen.features(), 20));
    }

    /** Whatever units are kept, the smaller network computes what the full one computes with the others silenced. */
    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {"mlp:9,7; 1", "mlp:9,7; 2", "cnn:5,4:dense=6; 3", "cnn:5,4:dense=6; 4", "cnn:6; 5"})
    void aPrunedNetworkIsTheFullOneWithTheRemovedUnitsSilenced(String spec, long seed) {
        Network network = ModelSpec.parse(spec).build(IMAGE, CLASSES, seed);
        List<Integer> prunable = Pruner.prunableLayers(network);
        List<Integer> widths = PruneJob.widths(network);
        SplittableRandom random = new SplittableRandom(seed);
        List<int[]> kept = new java.util.ArrayList<>();
        for (int k = 0; k < prunable.size(); k++) {
            int units = widths.get(k);
            int[] keep = IntStream.range(0, units)
                    .filter(unit -> random.nextBoolean())
                    .toArray();
            kept.add(keep.length == 0 ? new int[] {units - 1} : keep);
        }

        Network pruned = Pruner.keep(network, kept);
        for (int k = 0; k < prunable.size(); k++) {
            int units = widths.get(k);
            int[] keep = kept.get(k);
            for (int unit = 0; unit < units; unit++) {
                if (java.util.Arrays.binarySearch(keep, unit) < 0) {
                    silence(network, prunable.get(k), unit, units);
                }
            }
        }

        Dataset inputs = randomImages(20, seed);
        float[] expected = network.probabilities(inputs.features(), 20);
        float[] actual = pruned.probabilities(inputs.features(), 20);
        for (int k = 0; k < expected.length; k++) {
            assertThat(actual[k]).isCloseTo(expected[k], org.assertj.core.api.Assertions.within(1e-6f));
        }
    }

    @Test
    void keepsTheMostImportantUnitsAndTheirWeights() {
        Network network = ModelSpec.parse("mlp:6").build(IMAGE, CLASSES, 3);
        Dense hidden = (Dense) network.layers().getFirst();
        Dense output = (Dense) network.layers().getLast();
        // Unit 4 hands on the most, unit 1 the next most: scale what the output layer reads from them.
        for (int c = 0; c < CLASSES; c++) {
            output.weight().values()[4 * CLASSES + c] *= 100;
            output.weight().values()[CLASSES + c] *= 10;
        }
        Dataset sample = randomImages(100, 4);

        Network pruned = Pruner.prune(network, List.of(2), sample);

        Dense prunedHidden = (Dense) pruned.layers().getFirst();
        assertThat(prunedHidden.bias().values())
                .containsExactly(hidden.bias().values()[1], hidden.bias().values()[4]);
        Dense prunedOutput = (Dense) pruned.layers().getLast();
        assertThat(prunedOutput.weight().values()[CLASSES])
                .isEqualTo(output.weight().values()[4 * CLASSES]);
    }

    @Test
    void convolutionsLoseWholeChannelsAndTheLayersAfterThemFollow() {
        Network network = ModelSpec.parse("cnn:8,6:dense=10").build(new int[] {1, 28, 28}, 10, 1);

        Network pruned = Pruner.prune(network, List.of(4, 3, 5), randomImages(30, 3, new int[] {1, 28, 28}, 10));

        List<Layer> layers = pruned.layers();
        assertThat(((Conv2d) layers.get(0)).weight().shape()).containsExactly(4, 1, 3, 3);
        assertThat(((Conv2d) layers.get(3)).weight().shape()).containsExactly(3, 4, 3, 3);
        assertThat(((Dense) layers.get(6)).weight().shape()).containsExactly(3 * 49, 5);
        assertThat(((Dense) layers.getLast()).weight().shape()).containsExactly(5, 10);
    }

    @Test
    void refusesWidthsItCannotKeep() {
        Network network = ModelSpec.parse("mlp:6,4").build(IMAGE, CLASSES, 3);
        Dataset sample = randomImages(10, 1);

        assertThatThrownBy(() -> Pruner.prune(network, List.of(3), sample))
                .hasMessage("the network has 2 prunable layers, not 1");
        assertThatThrownBy(() -> Pruner.prune(network, List.of(7, 2), sample))
                .hasMessage("dense0 has 6 units, it cannot keep 7");
        assertThatThrownBy(() -> Pruner.prune(network, List.of(3, 0), sample))
                .hasMessage("dense1 has 4 units, it cannot keep 0");
    }

    /** Zeroes the weights of the next weighted layer after {@code layer} that read {@code unit}. */
    private static void silence(Network network, int layer, int unit, int units) {
        List<Layer> layers = network.layers();
        for (int k = layer + 1; k < layers.size(); k++) {
            switch (layers.get(k)) {
                case Conv2d convolution -> {
                    float[] w = convolution.weight().values();
                    int filters = convolution.outputShape()[0];
                    for (int f = 0; f < filters; f++) {
                        java.util.Arrays.fill(w, (f * units + unit) * 9, (f * units + unit + 1) * 9, 0f);
                    }
                    return;
                }
                case Dense dense -> {
                    float[] w = dense.weight().values();
                    int outputs = dense.outputShape()[0];
                    int rowsPerUnit = dense.inputSize() / units;
                    java.util.Arrays.fill(w, unit * rowsPerUnit * outputs, (unit + 1) * rowsPerUnit * outputs, 0f);
                    return;
                }
                default -> {}
            }
        }
    }

    private static Dataset randomImages(int count, long seed) {
        return randomImages(count, seed, IMAGE, CLASSES);
    }

    private static Dataset randomImages(int count, long seed, int[] shape, int classes) {
        SplittableRandom random = new SplittableRandom(seed);
        int size = shape[0] * shape[1] * shape[2];
        float[] features = new float[count * size];
        for (int k = 0; k < features.length; k++) {
            features[k] = random.nextFloat();
        }
        return new Dataset(
                features,
                random.ints(count, 0, classes).toArray(),
                shape,
                IntStream.range(0, classes).mapToObj(Integer::toString).toList());
    }
}

package io.fogline.node.ota;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.model.Network;
import io.fogline.node.labels.LabelStore;
import io.fogline.node.labels.LabelledExample;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * What a node trains on in a federated round: its fixed training data ({@code --training-data}), and the examples its
 * label store collected for the round's model (ground truth, and the parent's answers to escalated requests), read
 * afresh each round so every round learns from what the field brought since the last. Examples that do not fit the
 * round's model (another input width or class count) are left out, and so are those held out for calibrating the
 * escalation threshold.
 */
final class LocalExamples {

    private final Dataset fixed;
    private final LabelStore labels;
    private final Predicate<LabelledExample> heldOut;

    /**
     * @param fixed the node's fixed training data, or null; {@code labels} the label store, or null
     * @param heldOut the label store's examples no round trains on
     */
    LocalExamples(Dataset fixed, LabelStore labels, Predicate<LabelledExample> heldOut) {
        if (fixed == null && labels == null) {
            throw new IllegalArgumentException("a node trains on fixed training data, a label store, or both");
        }
        this.fixed = fixed;
        this.labels = labels;
        this.heldOut = heldOut;
    }

    /** The examples held now, what the node's opt-in claims. */
    long count() {
        return (fixed == null ? 0 : fixed.size()) + (labels == null ? 0 : labels.trainableCount());
    }

    /**
     * The examples for a round of {@code model} (null from a control plane that does not name it: fixed data only),
     * shaped for {@code network}.
     */
    Dataset forRound(String model, Network network) {
        int width = network.inputSize();
        int classes = network.classCount();
        boolean fixedFits = fixed != null && fixed.featureCount() == width && fixed.classCount() == classes;
        List<float[]> inputs = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        if (labels != null && model != null) {
            labels.forEachExample(model, example -> {
                if (example.input().length == width && example.label() < classes && !heldOut.test(example)) {
                    inputs.add(example.input());
                    targets.add(example.label());
                }
            });
        }
        if (inputs.isEmpty() && fixedFits) {
            return fixed;
        }
        int fixedCount = fixedFits ? fixed.size() : 0;
        float[] features = new float[(fixedCount + inputs.size()) * width];
        int[] labelled = new int[fixedCount + inputs.size()];
        if (fixedFits) {
            System.arraycopy(fixed.features(), 0, features, 0, fixedCount * width);
            System.arraycopy(fixed.labels(), 0, labelled, 0, fixedCount);
        }
        for (int i = 0; i < inputs.size(); i++) {
            System.arraycopy(inputs.get(i), 0, features, (fixedCount + i) * width, width);
            labelled[fixedCount + i] = targets.get(i);
        }
        List<String> classNames = fixedFits
                ? fixed.classNames()
                : IntStream.range(0, classes).mapToObj(Integer::toString).toList();
        return new Dataset(features, labelled, network.inputShape(), classNames);
    }
}

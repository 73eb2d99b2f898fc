package io.fogline.learn.train;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.model.Network;
import java.util.Arrays;

/** Runs a network over a whole dataset in inference mode, in chunks that bound the activations' memory. */
public final class Evaluation {

    private static final int CHUNK = 1000;

    private Evaluation() {}

    /** Class probabilities of every example, row-major: {@code dataset.size() × classes}. */
    public static float[] probabilities(Network network, Dataset dataset) {
        int classes = network.classCount();
        int width = dataset.featureCount();
        float[] all = new float[dataset.size() * classes];
        for (int start = 0; start < dataset.size(); start += CHUNK) {
            int count = Math.min(CHUNK, dataset.size() - start);
            float[] chunk = Arrays.copyOfRange(dataset.features(), start * width, (start + count) * width);
            System.arraycopy(network.probabilities(chunk, count), 0, all, start * classes, count * classes);
        }
        return all;
    }

    /** The share of examples whose most probable class is their label. */
    public static double accuracy(Network network, Dataset dataset) {
        if (dataset.size() == 0) {
            return Double.NaN;
        }
        return accuracy(probabilities(network, dataset), dataset.labels(), network.classCount());
    }

    /** The share of rows of {@code scores} whose largest entry is at the row's label. */
    public static double accuracy(float[] scores, int[] labels, int classes) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (CrossEntropy.argmax(scores, i * classes, classes) == labels[i]) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }
}

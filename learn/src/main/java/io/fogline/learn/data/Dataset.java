package io.fogline.learn.data;

import java.util.Arrays;
import java.util.List;

/**
 * Labelled examples held flat: example {@code i} occupies {@code features[i * featureCount() ...]}. One flat array keeps
 * mini-batches contiguous copies and the training loops free of boxing.
 *
 * @param features all examples' features, row-major
 * @param labels the class index of each example
 * @param sampleShape the shape of one example (for images: channels, height, width)
 * @param classNames the name of each class, indexed by label
 */
public record Dataset(float[] features, int[] labels, int[] sampleShape, List<String> classNames) {

    public Dataset {
        sampleShape = sampleShape.clone();
        classNames = List.copyOf(classNames);
        int featureCount = product(sampleShape);
        if (features.length != labels.length * featureCount) {
            throw new IllegalArgumentException("%d features do not hold %d examples of %d features"
                    .formatted(features.length, labels.length, featureCount));
        }
        for (int label : labels) {
            if (label < 0 || label >= classNames.size()) {
                throw new IllegalArgumentException(
                        "label " + label + " is outside the " + classNames.size() + " classes");
            }
        }
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    public int size() {
        return labels.length;
    }

    public int featureCount() {
        return product(sampleShape);
    }

    public int classCount() {
        return classNames.size();
    }

    /** The examples at {@code indices}, in that order. */
    public Dataset subset(int[] indices) {
        int width = featureCount();
        float[] chosenFeatures = new float[indices.length * width];
        int[] chosenLabels = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(features, indices[k] * width, chosenFeatures, k * width, width);
            chosenLabels[k] = labels[indices[k]];
        }
        return new Dataset(chosenFeatures, chosenLabels, sampleShape, classNames);
    }

    /** The first {@code count} examples; a cheap way to train or test on less. */
    public Dataset head(int count) {
        int width = featureCount();
        int n = Math.min(count, size());
        return new Dataset(Arrays.copyOf(features, n * width), Arrays.copyOf(labels, n), sampleShape, classNames);
    }

    private static int product(int[] shape) {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }
}

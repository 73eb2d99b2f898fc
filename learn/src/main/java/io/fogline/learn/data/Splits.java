package io.fogline.learn.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Holds out part of a training set for validation, drawn at random from a seed. */
public final class Splits {

    private Splits() {}

    /**
     * @param validationFraction the share of examples held out, in [0, 1)
     */
    public static TrainValidation holdOut(Dataset dataset, double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), not " + validationFraction);
        }
        int[] order = Permutations.shuffled(dataset.size(), new SplittableRandom(seed));
        int validationSize = (int) Math.round(dataset.size() * validationFraction);
        int[] validation = Arrays.copyOfRange(order, 0, validationSize);
        int[] train = Arrays.copyOfRange(order, validationSize, order.length);
        Arrays.sort(validation);
        Arrays.sort(train);
        return new TrainValidation(dataset.subset(train), dataset.subset(validation));
    }

    /** Examples to learn from and examples to choose hyper-parameters and stopping points on. */
    public record TrainValidation(Dataset train, Dataset validation) {}
}

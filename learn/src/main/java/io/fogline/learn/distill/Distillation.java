package io.fogline.learn.distill;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.train.Loss;
import java.io.IOException;

/**
 * Learning from a teacher: whose answers, softened how much, and how much they weigh against the labels.
 *
 * @param temperature softens the teacher's answers; see {@link DistillationLoss}
 * @param softWeight the share of the loss that follows the teacher; the rest follows the labels
 */
public record Distillation(Teacher teacher, double temperature, double softWeight) {

    public Distillation {
        if (!(temperature > 0) || !(softWeight >= 0 && softWeight <= 1)) {
            throw new IllegalArgumentException("temperature must be positive and the soft weight in [0, 1], not "
                    + temperature + " and " + softWeight);
        }
    }

    /** The loss for training on {@code train}: asks the teacher for its answers to every example once. */
    public Loss lossFor(Dataset train) throws IOException {
        return new DistillationLoss(answers(train), train.classCount(), temperature, softWeight);
    }

    /** The teacher's answers, checked to be one row of probabilities per example. */
    public float[] answers(Dataset examples) throws IOException {
        float[] probabilities = teacher.probabilities(examples);
        if (probabilities.length != examples.size() * examples.classCount()) {
            throw new IllegalArgumentException("the teacher gave " + probabilities.length + " values for "
                    + examples.size() + " examples of " + examples.classCount() + " classes");
        }
        return probabilities;
    }
}

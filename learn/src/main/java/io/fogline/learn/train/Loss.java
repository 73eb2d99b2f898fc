package io.fogline.learn.train;

/**
 * What training minimises, as a function of a batch's logits: softmax cross-entropy on the labels by default, or a
 * distillation loss that also follows a teacher's answers for the same examples.
 */
@FunctionalInterface
public interface Loss {

    /** Softmax cross-entropy on the labels. */
    Loss CROSS_ENTROPY = (logits, examples, labels, batch, classes, gradient) ->
            CrossEntropy.lossAndGradient(logits, labels, batch, classes, gradient);

    /**
     * Writes {@code ∂loss/∂logits} of the batch's mean loss into {@code gradient} and returns the loss summed over the
     * batch.
     *
     * @param logits {@code batch × classes}, row-major
     * @param examples the index of each row's example in the training set
     * @param labels each row's class
     */
    double lossAndGradient(float[] logits, int[] examples, int[] labels, int batch, int classes, float[] gradient);
}

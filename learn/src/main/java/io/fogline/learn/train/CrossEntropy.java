package io.fogline.learn.train;

/** The softmax cross-entropy loss of a batch of logits and its gradient. */
final class CrossEntropy {

    private CrossEntropy() {}

    /**
     * Writes {@code ∂loss/∂logits} into {@code gradient} for the mean loss over the batch and returns the summed loss.
     */
    static double lossAndGradient(float[] logits, int[] batchLabels, int batch, int classes, float[] gradient) {
        double loss = 0;
        float inverseBatch = 1f / batch;
        for (int b = 0; b < batch; b++) {
            int offset = b * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[offset + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[offset + c] - max);
            }
            double logSum = Math.log(sum) + max;
            int label = batchLabels[b];
            loss += logSum - logits[offset + label];
            for (int c = 0; c < classes; c++) {
                float p = (float) Math.exp(logits[offset + c] - logSum);
                gradient[offset + c] = (p - (c == label ? 1f : 0f)) * inverseBatch;
            }
        }
        return loss;
    }

    /** The index of each row's largest logit. */
    static int argmax(float[] values, int offset, int length) {
        int best = 0;
        for (int c = 1; c < length; c++) {
            if (values[offset + c] > values[offset + best]) {
                best = c;
            }
        }
        return best;
    }
}

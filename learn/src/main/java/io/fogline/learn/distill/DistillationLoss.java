package io.fogline.learn.distill;

import io.fogline.learn.train.Loss;

/**
 * Knowledge distillation (Hinton, Vinyals and Dean, 2015): the student matches the teacher's class probabilities
 * softened by a temperature, mixed with cross-entropy on the true labels:
 *
 * <pre>
 * loss = s · T² · KL(q_teacher ‖ q_student) + (1 − s) · CE(label, p_student)
 * q = softmax(logits / T),  q_teacher = softmax(log p_teacher / T)
 * </pre>
 *
 * <p>The teacher is given as probabilities, as Fogline's models (and most classifiers) answer; their logarithms are
 * its logits up to a constant per example, which the softmax ignores. The {@code T²} keeps the soft term's gradients
 * the size of the hard term's whatever the temperature, so the mix means the same at any {@code T}.
 */
public final class DistillationLoss implements Loss {

    /** Where a teacher's probability is 0 in float, its log is taken of this instead. */
    private static final double SMALLEST_PROBABILITY = 1e-30;

    private final float[] softTargets;
    private final int classes;
    private final float temperature;
    private final float softWeight;

    /**
     * @param teacherProbabilities the teacher's class probabilities for every training example, row-major, indexed as
     *     the training set is
     * @param temperature T, at least 1 in practice: higher shows the student more of the teacher's view of which wrong
     *     classes are close
     * @param softWeight s in [0, 1]: the share of the loss that follows the teacher
     */
    public DistillationLoss(float[] teacherProbabilities, int classes, double temperature, double softWeight) {
        if (!(temperature > 0) || !(softWeight >= 0 && softWeight <= 1)) {
            throw new IllegalArgumentException("temperature must be positive and the soft weight in [0, 1], not "
                    + temperature + " and " + softWeight);
        }
        if (classes <= 0 || teacherProbabilities.length % classes != 0) {
            throw new IllegalArgumentException(
                    teacherProbabilities.length + " teacher probabilities are not rows of " + classes + " classes");
        }
        this.classes = classes;
        this.temperature = (float) temperature;
        this.softWeight = (float) softWeight;
        this.softTargets = soften(teacherProbabilities, classes, temperature);
    }

    /** How many examples the teacher answered for. */
    public int examples() {
        return softTargets.length / classes;
    }

    @Override
    public double lossAndGradient(
            float[] logits, int[] examples, int[] labels, int batch, int classes, float[] gradient) {
        if (classes != this.classes) {
            throw new IllegalArgumentException(
                    "the teacher answered " + this.classes + " classes, the student has " + classes);
        }
        double loss = 0;
        float inverseBatch = 1f / batch;
        double hardWeight = 1 - softWeight;
        double[] soft = new double[classes];
        for (int b = 0; b < batch; b++) {
            int row = b * classes;
            int target = examples[b] * classes;
            double max = Double.NEGATIVE_INFINITY;
            double softMax = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[row + c]);
                softMax = Math.max(softMax, logits[row + c] / temperature);
            }
            double sum = 0;
            double softSum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[row + c] - max);
                soft[c] = Math.exp(logits[row + c] / temperature - softMax);
                softSum += soft[c];
            }
            double logSum = Math.log(sum) + max;
            double softLogSum = Math.log(softSum) + softMax;
            loss += hardWeight * (logSum - logits[row + labels[b]]);
            double divergence = 0;
            for (int c = 0; c < classes; c++) {
                double q = softTargets[target + c];
                double studentSoft = soft[c] / softSum;
                if (q > 0) {
                    divergence += q * (Math.log(q) - (logits[row + c] / temperature - softLogSum));
                }
                double p = Math.exp(logits[row + c] - logSum);
                double hard = p - (c == labels[b] ? 1 : 0);
                gradient[row + c] =
                        (float) ((softWeight * temperature * (studentSoft - q) + hardWeight * hard) * inverseBatch);
            }
            loss += softWeight * temperature * temperature * divergence;
        }
        return loss;
    }

    /** {@code softmax(log p / T)} of every row: the teacher's answers at the temperature. */
    static float[] soften(float[] probabilities, int classes, double temperature) {
        float[] soft = new float[probabilities.length];
        double[] logits = new double[classes];
        for (int row = 0; row < probabilities.length; row += classes) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                float p = probabilities[row + c];
                if (!(p >= 0 && p <= 1.0001f)) {
                    throw new IllegalArgumentException("the teacher's answer for example " + row / classes + " holds "
                            + p + ", not a probability");
                }
                logits[c] = Math.log(Math.max(p, SMALLEST_PROBABILITY)) / temperature;
                max = Math.max(max, logits[c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                logits[c] = Math.exp(logits[c] - max);
                sum += logits[c];
            }
            for (int c = 0; c < classes; c++) {
                soft[row + c] = (float) (logits[c] / sum);
            }
        }
        return soft;
    }
}

package io.fogline.routing.score;

/** The measures of one row of class probabilities that escalation rules compare with their thresholds. */
public record ClassDistribution(int topClass, double topProbability, double margin, double normalizedEntropy) {

    /**
     * Measures a row.
     *
     * @param row class scores; turned into probabilities first when {@code logits} is set, and read as they are
     *     otherwise
     */
    public static ClassDistribution of(float[] row, int offset, int classes, boolean logits) {
        double[] probabilities = new double[classes];
        if (logits) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < classes; i++) {
                max = Math.max(max, row[offset + i]);
            }
            double sum = 0;
            for (int i = 0; i < classes; i++) {
                // Shifted by the maximum so that large logits cannot overflow exp().
                probabilities[i] = Math.exp(row[offset + i] - max);
                sum += probabilities[i];
            }
            for (int i = 0; i < classes; i++) {
                probabilities[i] /= sum;
            }
        } else {
            for (int i = 0; i < classes; i++) {
                probabilities[i] = row[offset + i];
            }
        }
        int top = 0;
        double first = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        double entropy = 0;
        for (int i = 0; i < classes; i++) {
            double p = probabilities[i];
            if (p > first) {
                second = first;
                first = p;
                top = i;
            } else if (p > second) {
                second = p;
            }
            if (p > 0) {
                entropy -= p * Math.log(p);
            }
        }
        double margin = classes == 1 ? first : first - second;
        double normalized = classes == 1 ? 0 : entropy / Math.log(classes);
        return new ClassDistribution(top, first, margin, normalized);
    }
}

package io.fogline.federated;

import io.fogline.core.federated.FloatSelection;

/**
 * The coordinate-wise trimmed mean (Yin et al., 2018): for each coordinate, the {@code ⌊β·n⌋} largest and as many
 * smallest values are dropped and the rest averaged, unweighted. It withstands up to {@code ⌊β·n⌋} bad updates.
 *
 * @param beta the share trimmed from each end, in [0, 0.5)
 */
public record TrimmedMean(double beta) implements AggregationRule {

    public TrimmedMean {
        if (!(beta >= 0 && beta < 0.5)) {
            throw new IllegalArgumentException("the trimmed share must be in [0, 0.5), not " + beta);
        }
    }

    /** How many values are dropped from each end out of {@code n}. */
    public int trimmed(int n) {
        return (int) Math.floor(beta * n);
    }

    @Override
    public float[] aggregate(UpdateSet updates) {
        AggregationRule.requireUpdates(updates);
        int n = updates.size();
        int trim = trimmed(n);
        int kept = n - 2 * trim;
        return CoordinateChunks.columnwise(updates, column -> {
            if (trim > 0) {
                FloatSelection.select(column, 0, n, trim);
                FloatSelection.select(column, trim, n, kept - 1);
            }
            double sum = 0;
            for (int i = trim; i < trim + kept; i++) {
                sum += column[i];
            }
            return (float) (sum / kept);
        });
    }

    @Override
    public String toString() {
        return "trimmed-mean:" + beta;
    }
}

package io.fogline.federated;

import io.fogline.core.federated.FloatSelection;

/**
 * The median of each coordinate over the updates (Yin et al., 2018), unweighted: fewer than half of the updates, however
 * wrong, cannot move it outside the range of the others. For an even count, the mean of the two middle values.
 */
public record CoordinateMedian() implements AggregationRule {

    @Override
    public float[] aggregate(UpdateSet updates) {
        AggregationRule.requireUpdates(updates);
        return CoordinateChunks.columnwise(updates, CoordinateMedian::median);
    }

    /** The median of {@code values}, which it reorders. */
    static float median(float[] values) {
        int n = values.length;
        float upper = FloatSelection.select(values, 0, n, n / 2);
        if (n % 2 == 1) {
            return upper;
        }
        float lower = values[0];
        for (int i = 1; i < n / 2; i++) {
            lower = Math.max(lower, values[i]);
        }
        return (float) (((double) lower + upper) / 2);
    }

    @Override
    public String toString() {
        return "median";
    }
}

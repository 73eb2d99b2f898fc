package io.fogline.federated;

import java.util.Arrays;

/**
 * Norm bounding (Sun et al., 2019): before a rule aggregates them, updates longer than {@code multiple} times the
 * round's median norm are scaled down to it. A boosted update then weighs no more than an honest one, whatever its
 * sender multiplied it by; the bound follows the round, so no one has to know the scale of a model's updates.
 *
 * @param multiple the bound as a multiple of the median norm, at least 1
 */
public record NormBound(double multiple) {

    public NormBound {
        if (!(multiple >= 1)) {
            throw new IllegalArgumentException("the norm bound is at least the median (1), not " + multiple);
        }
    }

    /** The updates, each scaled to at most the bound: a view, nothing is copied. */
    public UpdateSet apply(UpdateSet updates) {
        double[] norms = CoordinateChunks.norms(updates);
        double bound = multiple * median(norms);
        double[] factors = new double[norms.length];
        for (int i = 0; i < norms.length; i++) {
            factors[i] = norms[i] > bound ? bound / norms[i] : 1;
        }
        return updates.scaled(factors);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    @Override
    public String toString() {
        return "norm-bound:" + multiple;
    }
}

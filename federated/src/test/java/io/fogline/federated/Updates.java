package io.fogline.federated;

import io.fogline.core.federated.ModelUpdate;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/** Update sets for tests, from plain arrays. */
final class Updates {

    private Updates() {}

    static InMemoryUpdates of(float[][] deltas, long[] counts) {
        InMemoryUpdates set = new InMemoryUpdates(deltas[0].length);
        for (int i = 0; i < deltas.length; i++) {
            set.add("client-" + i, new ModelUpdate("job", 1, counts[i], Map.of(), deltas[i]));
        }
        return set;
    }

    static InMemoryUpdates of(float[][] deltas) {
        long[] counts = new long[deltas.length];
        Arrays.fill(counts, 1);
        return of(deltas, counts);
    }

    /** {@code n} updates of {@code dimension} Gaussian coordinates around {@code center}, spread {@code sigma}. */
    static float[][] around(float[] center, int n, double sigma, SplittableRandom random) {
        float[][] deltas = new float[n][center.length];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < center.length; k++) {
                deltas[i][k] = (float) (center[k] + sigma * random.nextGaussian());
            }
        }
        return deltas;
    }

    static float[] gaussian(int dimension, double sigma, SplittableRandom random) {
        float[] values = new float[dimension];
        for (int k = 0; k < dimension; k++) {
            values[k] = (float) (sigma * random.nextGaussian());
        }
        return values;
    }
}

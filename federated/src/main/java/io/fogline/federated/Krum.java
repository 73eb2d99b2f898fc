package io.fogline.federated;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Krum and Multi-Krum (Blanchard et al., 2017): each update is scored by the summed squared distances to its
 * {@code n − f − 2} nearest others, and the {@code selected} best-scored updates are averaged, weighted by examples
 * (Krum proper keeps one). An update far from every cluster of honest ones scores badly and is left out. Distances
 * accumulate over slices of coordinates, so memory is the {@code n × n} distances and a slice, never the updates.
 *
 * @param byzantine {@code f}, the bad updates tolerated: needs {@code n ≥ 2f + 3}
 * @param selected {@code m}, how many updates are averaged
 */
public record Krum(int byzantine, int selected) implements AggregationRule {

    public Krum {
        if (byzantine < 0 || selected < 1) {
            throw new IllegalArgumentException(
                    "Krum tolerates f ≥ 0 bad updates and averages m ≥ 1, not f=" + byzantine + ", m=" + selected);
        }
    }

    @Override
    public float[] aggregate(UpdateSet updates) {
        UpdateSet chosen = updates.subset(select(updates));
        return new FedAvg().aggregate(chosen);
    }

    /** The indices of the updates Multi-Krum averages, best score first. */
    public int[] select(UpdateSet updates) {
        int n = updates.size();
        if (n < 2 * byzantine + 3 || selected > n) {
            throw new IllegalArgumentException("Krum with f=" + byzantine + " and m=" + selected + " needs at least "
                    + Math.max(2 * byzantine + 3, selected) + " updates, not " + n);
        }
        double[] distances = squaredDistances(updates);
        int neighbours = n - byzantine - 2;
        double[] scores = new double[n];
        double[] row = new double[n - 1];
        for (int i = 0; i < n; i++) {
            int k = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    row[k++] = distances[i * n + j];
                }
            }
            Arrays.sort(row);
            for (int j = 0; j < neighbours; j++) {
                scores[i] += row[j];
            }
        }
        return IntStream.range(0, n)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> scores[i]).thenComparingInt(i -> i))
                .limit(selected)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /** Every pair's squared Euclidean distance, symmetric, {@code n × n}. */
    static double[] squaredDistances(UpdateSet updates) {
        int n = updates.size();
        double[] distances = new double[n * n];
        CoordinateChunks.forEach(updates, (from, width, values) -> {
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    distances[i * n + j] += squaredDistance(values, i * width, j * width, width);
                }
            }
        });
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                distances[j * n + i] = distances[i * n + j];
            }
        }
        return distances;
    }

    /** Four independent sums let the JIT keep the multiply-adds in flight; the slice is short enough for floats. */
    private static double squaredDistance(float[] values, int a, int b, int width) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int k = 0;
        for (; k + 3 < width; k += 4) {
            float d0 = values[a + k] - values[b + k];
            float d1 = values[a + k + 1] - values[b + k + 1];
            float d2 = values[a + k + 2] - values[b + k + 2];
            float d3 = values[a + k + 3] - values[b + k + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        double sum = (double) s0 + s1 + s2 + s3;
        for (; k < width; k++) {
            double d = values[a + k] - values[b + k];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public String toString() {
        return selected == 1 ? "krum:" + byzantine : "multi-krum:" + byzantine + ":" + selected;
    }
}

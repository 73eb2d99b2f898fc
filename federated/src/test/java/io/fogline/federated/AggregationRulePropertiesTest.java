package io.fogline.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** What each aggregation rule promises, over random rounds. */
class AggregationRulePropertiesTest {

    @Property(tries = 200)
    void everyRuleReturnsTheUpdateWhenAllAgree(
            @ForAll("rules") AggregationRule rule, @ForAll @IntRange(min = 5, max = 12) int n, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] update = Updates.gaussian(1 + random.nextInt(50), 1, random);
        float[][] deltas = new float[n][];
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
            deltas[i] = update.clone();
            counts[i] = 1 + random.nextInt(1000);
        }

        float[] aggregated = rule.aggregate(Updates.of(deltas, counts));

        for (int k = 0; k < update.length; k++) {
            assertThat(aggregated[k]).isCloseTo(update[k], within(Math.abs(update[k]) * 1e-6f));
        }
    }

    @Property(tries = 200)
    void theOrderOfArrivalDoesNotMatter(
            @ForAll("rules") AggregationRule rule, @ForAll @IntRange(min = 5, max = 12) int n, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int dimension = 1 + random.nextInt(40);
        float[][] deltas = new float[n][];
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
            deltas[i] = Updates.gaussian(dimension, 1, random);
            counts[i] = 1 + random.nextInt(1000);
        }
        int[] order = shuffled(n, random);
        float[][] permuted = new float[n][];
        long[] permutedCounts = new long[n];
        for (int i = 0; i < n; i++) {
            permuted[i] = deltas[order[i]];
            permutedCounts[i] = counts[order[i]];
        }

        float[] original = rule.aggregate(Updates.of(deltas, counts));
        float[] reordered = rule.aggregate(Updates.of(permuted, permutedCounts));

        for (int k = 0; k < dimension; k++) {
            assertThat(reordered[k]).isCloseTo(original[k], within(1e-5f));
        }
    }

    @Property(tries = 200)
    void fedAvgIsTheExampleWeightedMean(@ForAll @IntRange(min = 1, max = 30) int n, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int dimension = 1 + random.nextInt(100);
        float[][] deltas = new float[n][];
        long[] counts = new long[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            deltas[i] = Updates.gaussian(dimension, 3, random);
            counts[i] = 1 + random.nextInt(5000);
            total += counts[i];
        }

        float[] aggregated = new FedAvg().aggregate(Updates.of(deltas, counts));

        for (int k = 0; k < dimension; k++) {
            double expected = 0;
            for (int i = 0; i < n; i++) {
                expected += deltas[i][k] * (counts[i] / total);
            }
            assertThat((double) aggregated[k]).isCloseTo(expected, within(1e-5));
        }
    }

    /**
     * Fewer bad updates than the rule's breakdown point, however large and wherever they point, leave every coordinate
     * within the range the honest updates span there.
     */
    @Property(tries = 300)
    void medianAndTrimmedMeanStayWithinTheHonestRange(
            @ForAll @IntRange(min = 3, max = 25) int n, @ForAll("badMagnitudes") double magnitude, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int dimension = 1 + random.nextInt(30);
        TrimmedMean trimmedMean = new TrimmedMean(0.1 + 0.39 * random.nextDouble());
        for (AggregationRule rule : List.of(new CoordinateMedian(), trimmedMean)) {
            int bad = rule instanceof TrimmedMean t ? t.trimmed(n) : (n - 1) / 2;
            float[][] deltas = new float[n][];
            for (int i = 0; i < n; i++) {
                deltas[i] = i < bad
                        ? Updates.gaussian(dimension, magnitude, random)
                        : Updates.gaussian(dimension, 1, random);
            }
            float[] aggregated = rule.aggregate(Updates.of(deltas));
            for (int k = 0; k < dimension; k++) {
                float low = Float.POSITIVE_INFINITY;
                float high = Float.NEGATIVE_INFINITY;
                for (int i = bad; i < n; i++) {
                    low = Math.min(low, deltas[i][k]);
                    high = Math.max(high, deltas[i][k]);
                }
                assertThat(aggregated[k]).as("%s, %d bad of %d", rule, bad, n).isBetween(low, high);
            }
        }
    }

    /** A tight cluster of honest updates and {@code f} far outliers: Multi-Krum picks from the cluster only. */
    @Property(tries = 300)
    void krumNeverPicksAnOutlierFarFromATightCluster(
            @ForAll @IntRange(min = 0, max = 6) int byzantine,
            @ForAll @IntRange(min = 0, max = 6) int extra,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = 2 * byzantine + 3 + extra;
        int dimension = 1 + random.nextInt(60);
        float[] center = Updates.gaussian(dimension, 1, random);
        float[][] deltas = Updates.around(center, n, 0.01, random);
        // The outliers agree with each other: a colluding group, at least 50 away in every coordinate.
        float[] far = new float[dimension];
        for (int k = 0; k < dimension; k++) {
            far[k] = (float) (center[k] + (random.nextBoolean() ? 1 : -1) * (50 + 50 * random.nextDouble()));
        }
        boolean[] outlier = new boolean[n];
        for (int b = 0; b < byzantine; b++) {
            int i = random.nextInt(n);
            outlier[i] = true;
            deltas[i] = Updates.around(far, 1, 0.01, random)[0];
        }
        int honest = n - (int) countTrue(outlier);
        Krum krum = new Krum(byzantine, 1 + random.nextInt(honest));

        for (int index : krum.select(Updates.of(deltas))) {
            assertThat(outlier[index]).as("picked update %d", index).isFalse();
        }
    }

    @Property(tries = 5)
    void slicesOfCoordinatesGiveWhatTheWholeVectorsGive(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        // Enough updates that a slice is narrower than the dimension, so several slices are read.
        int n = 301;
        int dimension = CoordinateChunks.BUDGET_FLOATS / n + 1 + random.nextInt(400);
        float[][] deltas = new float[n][];
        for (int i = 0; i < n; i++) {
            deltas[i] = Updates.gaussian(dimension, 1, random);
        }
        InMemoryUpdates updates = Updates.of(deltas);
        assertThat(CoordinateChunks.width(updates)).isLessThan(dimension);

        float[] median = new CoordinateMedian().aggregate(updates);

        for (int k = 0; k < dimension; k += 1 + random.nextInt(50)) {
            float[] column = new float[n];
            for (int i = 0; i < n; i++) {
                column[i] = deltas[i][k];
            }
            Arrays.sort(column);
            assertThat(median[k]).isEqualTo(column[n / 2]);
        }
    }

    @Provide
    Arbitrary<AggregationRule> rules() {
        return Arbitraries.of(
                new FedAvg(), new CoordinateMedian(), new TrimmedMean(0.2), new Krum(1, 1), new Krum(1, 3));
    }

    @Provide
    Arbitrary<Double> badMagnitudes() {
        return Arbitraries.of(0.5, 10.0, 1e6, 1e30);
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private static long countTrue(boolean[] flags) {
        long count = 0;
        for (boolean flag : flags) {
            if (flag) {
                count++;
            }
        }
        return count;
    }
}

package io.fogline.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class NormBoundTest {

    @Property(tries = 200)
    void noUpdateLeavesLongerThanTheBoundAndShortOnesAreUntouched(
            @ForAll @IntRange(min = 1, max = 15) int n,
            @ForAll @DoubleRange(min = 1, max = 4) double multiple,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int dimension = 1 + random.nextInt(50);
        float[][] deltas = new float[n][];
        for (int i = 0; i < n; i++) {
            deltas[i] = Updates.gaussian(dimension, Math.exp(4 * random.nextGaussian()), random);
        }
        InMemoryUpdates updates = Updates.of(deltas);
        double[] before = CoordinateChunks.norms(updates);
        double bound = multiple * NormBound.median(before);

        UpdateSet bounded = new NormBound(multiple).apply(updates);

        double[] after = CoordinateChunks.norms(bounded);
        for (int i = 0; i < n; i++) {
            if (before[i] <= bound) {
                float[] read = new float[dimension];
                bounded.read(i, 0, dimension, read, 0);
                assertThat(read).containsExactly(deltas[i]);
            } else {
                assertThat(after[i]).isCloseTo(bound, within(bound * 1e-5));
            }
        }
    }

    @Test
    void aBoostedSignFlipWeighsNoMoreThanAnHonestUpdate() {
        SplittableRandom random = new SplittableRandom(3);
        float[] direction = Updates.gaussian(100, 1, random);
        float[][] deltas = Updates.around(direction, 10, 0.05, random);
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 100; k++) {
                deltas[i][k] *= -10;
            }
        }
        InMemoryUpdates updates = Updates.of(deltas);

        float[] plain = new FedAvg().aggregate(updates);
        float[] bounded = new FedAvg().aggregate(new NormBound(1).apply(updates));

        assertThat(dot(plain, direction)).isNegative();
        // 8 honest and 2 flipped of the same length: 0.6 of the honest direction survives.
        assertThat(dot(bounded, direction) / dot(direction, direction)).isCloseTo(0.6, within(0.05));
    }

    @Test
    void theBoundIsAtLeastTheMedian() {
        assertThatThrownBy(() -> new NormBound(0.5)).hasMessage("the norm bound is at least the median (1), not 0.5");
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += (double) a[k] * b[k];
        }
        return sum;
    }
}

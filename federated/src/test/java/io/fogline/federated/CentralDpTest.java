package io.fogline.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CentralDpTest {

    @Test
    void withoutNoiseItIsTheMeanOfTheClippedUpdates() {
        float[][] deltas = {{3, 4}, {0.3f, 0.4f}, {-6, -8}};
        CentralDp dp = new CentralDp(1, 0, 3, new SplittableRandom(1));

        float[] mean = dp.aggregate(Updates.of(deltas, new long[] {1, 1000, 5}));

        // Clipped to norm 1: (0.6, 0.8), (0.3, 0.4), (-0.6, -0.8); their sum over 3 expected clients.
        assertThat(mean[0]).isCloseTo(0.1f, within(1e-6f));
        assertThat(mean[1]).isCloseTo(0.4f / 3, within(1e-6f));
    }

    @Test
    void theNoiseHasTheStatedDeviation() {
        int dimension = 200_000;
        float[][] zero = {new float[dimension], new float[dimension]};
        CentralDp dp = new CentralDp(0.5, 1.5, 4, new SplittableRandom(2));

        float[] noised = dp.aggregate(Updates.of(zero));

        double sumSquares = 0;
        for (float value : noised) {
            sumSquares += (double) value * value;
        }
        double expected = 1.5 * 0.5 / 4;
        assertThat(Math.sqrt(sumSquares / dimension)).isCloseTo(expected, within(expected * 0.01));
    }

    @Test
    void eachRoundIsAccountedAtTheExpectedSamplingRate() {
        CentralDp dp = new CentralDp(1, 1.1, 100, new SplittableRandom(3));
        RdpAccountant byRounds = new RdpAccountant();
        RdpAccountant direct = new RdpAccountant();

        for (int round = 0; round < 50; round++) {
            dp.account(byRounds, 10_000);
        }
        direct.compose(0.01, 1.1, 50);

        assertThat(byRounds.epsilon(1e-5).epsilon())
                .isCloseTo(direct.epsilon(1e-5).epsilon(), within(1e-9));
    }
}

package io.fogline.control.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.control.rollout.WaveTally.Verdict.Outcome;
import org.junit.jupiter.api.Test;

class WaveTallyTest {

    private static final RolloutSpec.QualityGates NO_QUALITY = new RolloutSpec.QualityGates(null, null, null, null);

    private static RolloutSpec.Gates gates(double success, Double failure, int minSample) {
        return new RolloutSpec.Gates(success, failure, minSample, 600, NO_QUALITY);
    }

    @Test
    void aWaveWaitsForItsDevicesThenPassesAtTheSuccessThreshold() {
        RolloutSpec.Gates gates = gates(0.8, null, 1);
        assertThat(new WaveTally(10, 7, 1, 0, 0, 2).judge(gates).outcome()).isEqualTo(Outcome.PENDING);
        assertThat(new WaveTally(10, 8, 2, 0, 0, 0).judge(gates).outcome()).isEqualTo(Outcome.PASSED);
    }

    @Test
    void aWaveFailsAsSoonAsItsSuccessThresholdIsOutOfReach() {
        WaveTally.Verdict verdict = new WaveTally(10, 1, 2, 1, 0, 6).judge(gates(0.8, null, 1));
        assertThat(verdict.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(verdict.reason()).isEqualTo("success threshold: 7 of 10 devices can switch at most, 8 needed (80%)");
    }

    @Test
    void theFailureThresholdCountsTimeoutsAndQualityFailuresOnceTheSampleIsReached() {
        RolloutSpec.Gates gates = gates(0.1, 0.25, 4);
        assertThat(new WaveTally(100, 0, 1, 1, 1, 97).judge(gates).outcome())
                .as("3 ended, below the sample")
                .isEqualTo(Outcome.PENDING);
        WaveTally.Verdict verdict = new WaveTally(100, 1, 1, 1, 1, 96).judge(gates);
        assertThat(verdict.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(verdict.reason())
                .isEqualTo("failure threshold: 3 of 4 ended devices failed, over 25% (minimum sample 4)");
        assertThat(new WaveTally(100, 3, 1, 0, 0, 96).judge(gates).outcome())
                .as("1 of 4 is not over 25%")
                .isEqualTo(Outcome.PENDING);
    }
}

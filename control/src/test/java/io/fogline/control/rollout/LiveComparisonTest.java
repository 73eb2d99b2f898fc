package io.fogline.control.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.control.rollout.LiveComparison.Verdict.Outcome;
import io.fogline.core.telemetry.LatencyHistogram;
import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.RequestCount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LiveComparisonTest {

    private static final RolloutSpec.LiveGates GATES =
            new RolloutSpec.LiveGates(600, 100, 20, 0.05, 0.01, 1.5, 0.2, 0.03);

    /** A version's figures: requests, failures, escalations, latency of each, labels and right answers, classes. */
    static ModelWindow figures(
            long ok, long errors, long escalations, double latencyMs, long labelled, long right, long... classes) {
        List<RequestCount> requests = new ArrayList<>(List.of(new RequestCount("local", "ok", ok)));
        if (errors > 0) {
            requests.add(new RequestCount("none", "internal", errors));
        }
        long[] buckets = new long[LatencyHistogram.BUCKETS];
        buckets[LatencyHistogram.bucketOf(latencyMs)] = ok;
        return new ModelWindow(
                        "fashion",
                        "2",
                        requests,
                        LatencyHistogram.of(buckets),
                        null,
                        0,
                        escalations == 0 ? Map.of() : Map.of("max_probability_below", escalations),
                        0,
                        0,
                        0,
                        0,
                        null,
                        null,
                        classes)
                .withGroundTruth(labelled, right);
    }

    private static ModelWindow typical() {
        return figures(1000, 2, 100, 4, 100, 90, 100, 100, 100, 100);
    }

    private static LiveComparison.Verdict judge(ModelWindow candidate, ModelWindow baseline) {
        return LiveComparison.judge(GATES, new LiveComparison.Sample(600, candidate, baseline));
    }

    @Test
    void aWaveBakesBeforeItIsJudged() {
        LiveComparison.Verdict verdict =
                LiveComparison.judge(GATES, new LiveComparison.Sample(599, typical(), typical()));

        assertThat(verdict).isEqualTo(new LiveComparison.Verdict(Outcome.BAKING, "baking: 599 of 600 s"));
    }

    @Test
    void aVersionThatDoesAsTheOldOnePasses() {
        assertThat(judge(typical(), typical()).outcome()).isEqualTo(Outcome.PASSED);
    }

    @Test
    void eachLiveFigureWorseThanTheOldVersionsFailsTheWaveAndSaysWhy() {
        assertThat(judge(figures(1000, 2, 200, 4, 100, 90, 100, 100, 100, 100), typical()))
                .isEqualTo(new LiveComparison.Verdict(
                        Outcome.FAILED, "escalation rate 0.200 rose over the old version's 0.100 by more than 0.050"));
        assertThat(judge(figures(1000, 30, 100, 4, 100, 90, 100, 100, 100, 100), typical())
                        .reason())
                .isEqualTo("error rate 0.029 rose over the old version's 0.002 by more than 0.010");
        assertThat(judge(figures(1000, 2, 100, 40, 100, 90, 100, 100, 100, 100), typical())
                        .reason())
                .startsWith("p95 ")
                .contains("is over 1.50 times the old version's");
        assertThat(judge(figures(1000, 2, 100, 4, 100, 90, 400, 0, 0, 0), typical())
                        .reason())
                .startsWith("predicted classes drifted from the old version's: PSI ");
        assertThat(judge(figures(1000, 2, 100, 4, 100, 80, 100, 100, 100, 100), typical())
                        .reason())
                .isEqualTo("live accuracy 0.800 (80 of 100) fell below the old version's 0.900 by more than 0.030");
    }

    @Test
    void tooLittleTrafficOrGroundTruthIsInconclusive() {
        assertThat(judge(figures(50, 0, 5, 4, 100, 90), typical()))
                .isEqualTo(new LiveComparison.Verdict(
                        Outcome.INCONCLUSIVE,
                        "50 requests on the new version and 1002 on the old, 100 needed on each"));
        assertThat(judge(typical(), null).outcome()).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(judge(figures(1000, 2, 100, 4, 10, 10), typical()))
                .isEqualTo(new LiveComparison.Verdict(
                        Outcome.INCONCLUSIVE,
                        "10 labelled answers on the new version and 100 on the old, 20 needed on each"));
    }

    @Test
    void aBrokenGateFailsTheWaveThoughTooFewAnswersWereLabelledToJudgeAccuracy() {
        assertThat(judge(figures(1000, 0, 1000, 4, 0, 0), typical()))
                .isEqualTo(new LiveComparison.Verdict(
                        Outcome.FAILED, "escalation rate 1.000 rose over the old version's 0.100 by more than 0.050"));
    }

    @Property
    void theSameFiguresOnBothSidesAlwaysPass(
            @ForAll @IntRange(min = 100, max = 100_000) int ok,
            @ForAll @IntRange(max = 100) int errors,
            @ForAll @IntRange(max = 100) int escalations,
            @ForAll @DoubleRange(min = 0.05, max = 5000) double latencyMs,
            @ForAll @IntRange(min = 20, max = 5000) int labelled,
            @ForAll @DoubleRange(max = 1) double accuracy) {
        ModelWindow both = figures(
                ok, errors, escalations, latencyMs, labelled, Math.round(accuracy * labelled), ok / 2, ok - ok / 2);

        assertThat(judge(both, both).outcome()).isEqualTo(Outcome.PASSED);
    }

    @Property
    void aWorseCandidateNeverPassesWhereABetterOneFailed(
            @ForAll @IntRange(min = 100, max = 10_000) int ok,
            @ForAll @IntRange(max = 500) int errors,
            @ForAll @IntRange(max = 5_000) int escalations,
            @ForAll @IntRange(min = 20, max = 1000) int labelled,
            @ForAll @DoubleRange(max = 1) double accuracy,
            @ForAll @IntRange(max = 200) int moreErrors,
            @ForAll @IntRange(max = 2_000) int moreEscalations,
            @ForAll @DoubleRange(max = 1) double lessAccurate) {
        long right = Math.round(accuracy * labelled);
        ModelWindow candidate = figures(ok, errors, Math.min(escalations, ok), 4, labelled, right);
        ModelWindow worse = figures(
                ok,
                errors + moreErrors,
                Math.min(escalations + moreEscalations, ok),
                4,
                labelled,
                Math.round(right * (1 - lessAccurate)));
        ModelWindow baseline = figures(1000, 5, 100, 4, 100, 90);

        if (judge(candidate, baseline).outcome() == Outcome.FAILED) {
            assertThat(judge(worse, baseline).outcome()).isEqualTo(Outcome.FAILED);
        }
    }
}

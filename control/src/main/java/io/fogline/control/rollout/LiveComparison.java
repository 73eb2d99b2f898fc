package io.fogline.control.rollout;

import io.fogline.control.monitor.Psi;
import io.fogline.core.telemetry.ModelWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges a wave on what its switched devices did over a bake period, against what the devices still on the old
 * version did over the same time: escalation and error rates, p95 latency, the mix of predicted classes, and live
 * accuracy from ground truth. Plain code: the figures come in, a verdict goes out.
 */
public final class LiveComparison {

    /** What the live gates say. */
    public record Verdict(Outcome outcome, String reason) {
        public enum Outcome {
            /** The bake period has not run its course. */
            BAKING,
            PASSED,
            FAILED,
            /** The bake period is over but there is too little to judge by. */
            INCONCLUSIVE
        }
    }

    /**
     * What a wave's devices and the others did since the wave's last device switched.
     *
     * @param bakedSeconds how long since then
     * @param candidate the switched devices' windows of the new version, summed; null when they sent none
     * @param baseline the windows of the old versions over the same time, summed; null when none came
     */
    public record Sample(long bakedSeconds, ModelWindow candidate, ModelWindow baseline) {}

    private LiveComparison() {}

    public static Verdict judge(RolloutSpec.LiveGates gates, Sample sample) {
        if (sample.bakedSeconds() < gates.bakeSeconds()) {
            return new Verdict(
                    Verdict.Outcome.BAKING,
                    String.format(Locale.ROOT, "baking: %d of %d s", sample.bakedSeconds(), gates.bakeSeconds()));
        }
        ModelWindow now = sample.candidate();
        ModelWindow before = sample.baseline();
        long newRequests = now == null ? 0 : now.requestTotal();
        long oldRequests = before == null ? 0 : before.requestTotal();
        if (newRequests < gates.minRequests() || oldRequests < gates.minRequests()) {
            return inconclusive(String.format(
                    Locale.ROOT,
                    "%d requests on the new version and %d on the old, %d needed on each",
                    newRequests,
                    oldRequests,
                    gates.minRequests()));
        }
        List<String> broken = new ArrayList<>();
        if (gates.maxEscalationRateIncrease() != null) {
            rise(
                    broken,
                    "escalation rate",
                    rate(now.escalationTotal(), newRequests),
                    rate(before.escalationTotal(), oldRequests),
                    gates.maxEscalationRateIncrease());
        }
        if (gates.maxErrorRateIncrease() != null) {
            rise(
                    broken,
                    "error rate",
                    rate(now.errorTotal(), newRequests),
                    rate(before.errorTotal(), oldRequests),
                    gates.maxErrorRateIncrease());
        }
        if (gates.maxP95Ratio() != null) {
            double newP95 = now.latencyMs().quantileMs(0.95);
            double oldP95 = before.latencyMs().quantileMs(0.95);
            if (newP95 > oldP95 * gates.maxP95Ratio()) {
                broken.add(String.format(
                        Locale.ROOT,
                        "p95 %.1f ms is over %.2f times the old version's %.1f ms",
                        newP95,
                        gates.maxP95Ratio(),
                        oldP95));
            }
        }
        if (gates.maxClassPsi() != null
                && now.classes().length > 0
                && now.classes().length == before.classes().length) {
            long[] live = new long[now.classes().length + 2];
            System.arraycopy(now.classes(), 0, live, 1, now.classes().length);
            double psi = Psi.of(before.classes(), live);
            if (psi > gates.maxClassPsi()) {
                broken.add(String.format(
                        Locale.ROOT,
                        "predicted classes drifted from the old version's: PSI %.3f over %.3f",
                        psi,
                        gates.maxClassPsi()));
            }
        }
        if (gates.maxAccuracyDrop() != null) {
            boolean labelledEnough =
                    now.groundTruth() >= gates.minGroundTruth() && before.groundTruth() >= gates.minGroundTruth();
            if (labelledEnough) {
                double newAccuracy = rate(now.correct(), now.groundTruth());
                double oldAccuracy = rate(before.correct(), before.groundTruth());
                if (oldAccuracy - newAccuracy > gates.maxAccuracyDrop() + 1e-12) {
                    broken.add(String.format(
                            Locale.ROOT,
                            "live accuracy %.3f (%d of %d) fell below the old version's %.3f by more than %.3f",
                            newAccuracy,
                            now.correct(),
                            now.groundTruth(),
                            oldAccuracy,
                            gates.maxAccuracyDrop()));
                }
            } else if (broken.isEmpty()) {
                // Too few labels leave accuracy unknown, which holds back only a version no other gate has failed: a
                // version that escalates everything has no answers of its own to label, and must still fail.
                return inconclusive(String.format(
                        Locale.ROOT,
                        "%d labelled answers on the new version and %d on the old, %d needed on each",
                        now.groundTruth(),
                        before.groundTruth(),
                        gates.minGroundTruth()));
            }
        }
        return broken.isEmpty()
                ? new Verdict(Verdict.Outcome.PASSED, null)
                : new Verdict(Verdict.Outcome.FAILED, String.join("; ", broken));
    }

    private static void rise(List<String> broken, String figure, double now, double before, double limit) {
        if (now - before > limit + 1e-12) {
            broken.add(String.format(
                    Locale.ROOT,
                    "%s %.3f rose over the old version's %.3f by more than %.3f",
                    figure,
                    now,
                    before,
                    limit));
        }
    }

    private static Verdict inconclusive(String why) {
        return new Verdict(Verdict.Outcome.INCONCLUSIVE, why);
    }

    private static double rate(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }
}

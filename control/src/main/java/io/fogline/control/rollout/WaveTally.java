package io.fogline.control.rollout;

import java.util.Locale;

/**
 * The outcome so far of one wave's devices, and the verdict of the wave's gates on it. A switch that breaks a quality
 * gate, a failure, a timeout and a cancellation all count as failed.
 */
public record WaveTally(int size, int switched, int failed, int timedOut, int qualityFailed, int pending) {

    /** What the gates say: the wave goes on, has passed, or has failed for the reason given. */
    public record Verdict(Outcome outcome, String reason) {
        public enum Outcome {
            PENDING,
            PASSED,
            FAILED
        }
    }

    public int bad() {
        return failed + timedOut + qualityFailed;
    }

    public Verdict judge(RolloutSpec.Gates gates) {
        int ended = switched + bad();
        int needed = (int) Math.ceil(gates.successThreshold() * size - 1e-9);
        if (gates.failureThreshold() != null
                && ended >= gates.minSample()
                && bad() > gates.failureThreshold() * ended + 1e-9) {
            return failed(String.format(
                    Locale.ROOT,
                    "failure threshold: %d of %d ended devices failed, over %s (minimum sample %d)",
                    bad(),
                    ended,
                    percent(gates.failureThreshold()),
                    gates.minSample()));
        }
        if (switched + pending < needed) {
            return failed(String.format(
                    Locale.ROOT,
                    "success threshold: %d of %d devices can switch at most, %d needed (%s)",
                    switched + pending,
                    size,
                    needed,
                    percent(gates.successThreshold())));
        }
        return pending == 0 ? new Verdict(Verdict.Outcome.PASSED, null) : new Verdict(Verdict.Outcome.PENDING, null);
    }

    private static Verdict failed(String reason) {
        return new Verdict(Verdict.Outcome.FAILED, reason);
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.4g%%", fraction * 100).replaceAll("\\.?0+%$", "%");
    }
}

package io.fogline.control.rollout;

import io.fogline.core.device.Quality;
import java.util.Locale;

/** Reads a switched device's reported quality against a rollout's quality gates. */
final class QualityCheck {

    private QualityCheck() {}

    /** Why the report breaks a gate, or null when it keeps them all. A gate whose figure is not reported is broken. */
    static String violation(RolloutSpec.QualityGates gates, Quality quality) {
        Quality reported = quality == null ? new Quality(null, null, null, null) : quality;
        if (Boolean.TRUE.equals(gates.goldenPassed()) && !Boolean.TRUE.equals(reported.goldenPassed())) {
            return reported.goldenPassed() == null ? "golden_passed not reported" : "golden test failed";
        }
        String broken = over("p95_ms", reported.p95Ms(), gates.maxP95Ms());
        if (broken == null) {
            broken = over("error_rate", reported.errorRate(), gates.maxErrorRate());
        }
        return broken == null ? over("escalation_rate", reported.escalationRate(), gates.maxEscalationRate()) : broken;
    }

    private static String over(String figure, Double value, Double limit) {
        if (limit == null) {
            return null;
        }
        if (value == null) {
            return figure + " not reported";
        }
        return value > limit ? String.format(Locale.ROOT, "%s %s is over %s", figure, value, limit) : null;
    }
}

package io.fogline.core.telemetry;

/**
 * Requests of one tier and outcome in a window.
 *
 * @param tier who answered ({@code local}, a parent's name, {@code fog/cloud}), or {@code none} for a failure
 * @param outcome {@code ok}, or the failure kind ({@code invalid}, {@code unavailable}, {@code internal}, ...)
 */
public record RequestCount(String tier, String outcome, long count) {

    public static final String OK = "ok";

    public RequestCount {
        if (tier == null || tier.isEmpty() || outcome == null || outcome.isEmpty()) {
            throw new IllegalArgumentException("a request count needs a tier and an outcome");
        }
        if (count < 0) {
            throw new IllegalArgumentException("a request count must not be negative");
        }
    }

    public boolean ok() {
        return OK.equals(outcome);
    }
}

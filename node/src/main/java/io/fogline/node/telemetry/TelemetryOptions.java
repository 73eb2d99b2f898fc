package io.fogline.node.telemetry;

import java.time.Duration;

/**
 * How a node gathers and keeps telemetry.
 *
 * @param window the length of a window
 * @param outboxMaxBytes the outbox's cap (the policy when full is {@link Outbox}'s)
 * @param batchMaxBytes the most bytes one upload carries
 * @param maxMergedWindows how many windows the outbox may merge into one when full, a power of two
 */
public record TelemetryOptions(Duration window, long outboxMaxBytes, int batchMaxBytes, int maxMergedWindows) {

    /** A minute's windows, 16 MiB kept (weeks of one model's minutes before any merging), 256 KiB uploads. */
    public static TelemetryOptions defaults() {
        return new TelemetryOptions(Duration.ofSeconds(60), 16L * 1024 * 1024, 256 * 1024, 1024);
    }
}

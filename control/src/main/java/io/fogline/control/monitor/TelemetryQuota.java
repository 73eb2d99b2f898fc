package io.fogline.control.monitor;

import java.time.Duration;

/**
 * What one device's telemetry may take of the database, so that a device (or whoever holds its credential) cannot
 * bloat the store or the operators' views. Windows past a limit are dropped, counted by reason, and the batch is still
 * acknowledged: the node's outbox moves on instead of sending them again.
 *
 * @param maxOtherModels model names a device may report beyond the models the control plane gave it or it reported
 *     running (a node may serve models of its own repository), counted over the retention
 * @param maxWindowsPerDay windows one device may store per day, all models together
 * @param maxWindowBytes the largest figures of one model window (histograms included)
 * @param maxEventsPerBatch events one batch may store; the rest are dropped
 * @param retention how long windows and events are kept; older ones are deleted once an hour, and a window that ended
 *     before it (or more than five minutes in the future) is not stored
 * @param downsampling how windows older than its tiers' ages are merged into coarser ones, in the same hourly pass
 *     (a tier older than the retention never applies)
 */
public record TelemetryQuota(
        int maxOtherModels,
        int maxWindowsPerDay,
        int maxWindowBytes,
        int maxEventsPerBatch,
        Duration retention,
        Downsampling downsampling) {

    /** How far in the future a window may end: devices' clocks drift. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    public static TelemetryQuota defaults() {
        return new TelemetryQuota(8, 20_000, 64 * 1024, 256, Duration.ofDays(7), Downsampling.defaults());
    }

    public TelemetryQuota {
        if (maxOtherModels < 0 || maxWindowsPerDay < 1 || maxWindowBytes < 1024 || maxEventsPerBatch < 0) {
            throw new IllegalArgumentException("telemetry quotas must be positive (a window at least 1024 bytes)");
        }
        if (retention.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("telemetry retention must be at least an hour, got " + retention);
        }
    }

    public TelemetryQuota withRetention(Duration kept) {
        return new TelemetryQuota(
                maxOtherModels, maxWindowsPerDay, maxWindowBytes, maxEventsPerBatch, kept, downsampling);
    }

    public TelemetryQuota withDownsampling(Downsampling tiers) {
        return new TelemetryQuota(
                maxOtherModels, maxWindowsPerDay, maxWindowBytes, maxEventsPerBatch, retention, tiers);
    }
}

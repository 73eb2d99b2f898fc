package io.fogline.bench.sim;

/**
 * What a fleet simulation measured.
 *
 * @param pollsPerSecond polls answered per second over the measured window
 * @param failures polls and updates that failed (an error status or no answer) during the whole run
 * @param rolloutSeconds from starting the rollout until every device reported it switched; null without a rollout
 * @param rolloutState the rollout's state when the simulation stopped watching it
 * @param telemetryBatches telemetry batches the devices uploaded during the whole run
 * @param telemetryP99Millis the 99th percentile of those uploads' latency
 */
public record SimReport(
        String database,
        int devices,
        double offeredPollsPerSecond,
        double pollsPerSecond,
        double p50Millis,
        double p95Millis,
        double p99Millis,
        double notModifiedShare,
        long failures,
        Double rolloutSeconds,
        int switched,
        String rolloutState,
        double reportP99Millis,
        long telemetryBatches,
        double telemetryP99Millis) {}

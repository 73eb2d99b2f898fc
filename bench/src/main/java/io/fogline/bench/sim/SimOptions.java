package io.fogline.bench.sim;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a fleet simulation runs.
 *
 * @param database a {@code jdbc:postgresql:} URL of a fresh database, or null for SQLite in {@code work}; for the
 *     control plane this process runs, when {@code control} is empty
 * @param control the replicas of a control plane running elsewhere (on a fresh database), which the devices spread
 *     over; empty to run one in this process
 * @param adminToken the operator token of the control plane elsewhere
 * @param signingKey a key file the control plane elsewhere trusts, to sign the bundle rolled out; null to make one
 * @param telemetryEvery how often each device uploads a telemetry window; zero for never
 * @param pollInterval what the control plane tells devices; devices / interval is the poll rate offered
 * @param warmUp polling before the measured window
 * @param measure the window over which polls per second and latency are measured
 * @param canary the rollout's first wave ({@code "1"}, {@code "1%"}), or null for no rollout
 * @param factor how much each wave grows over the one before
 * @param deviceTimeout how long the rollout's gate gives a device to switch once its wave opens; a wave of 100,000
 *     needs more than the default 600 s where each of its 700,000 reports is a PostgreSQL commit on one disk
 * @param connections the most requests the simulated fleet has in flight at once
 */
public record SimOptions(
        int devices,
        Path work,
        String database,
        Duration pollInterval,
        Duration warmUp,
        Duration measure,
        String canary,
        double factor,
        Duration deviceTimeout,
        int epochs,
        int connections,
        List<URI> control,
        String adminToken,
        Path signingKey,
        Duration telemetryEvery) {

    public SimOptions {
        control = List.copyOf(control);
    }

    /** The problems with these options, in one message, or null when there are none. */
    public String problems() {
        StringBuilder problems = new StringBuilder();
        if (devices < 1) {
            problems.append("--devices must be at least 1, got ")
                    .append(devices)
                    .append("; ");
        }
        if (pollInterval.toSeconds() < 1) {
            problems.append("--poll-interval must be at least 1 s; ");
        }
        if (measure.isNegative() || measure.isZero()) {
            problems.append("--measure must be positive; ");
        }
        if (warmUp.isNegative()) {
            problems.append("--warm-up must not be negative; ");
        }
        if (connections < 1) {
            problems.append("--connections must be at least 1, got ")
                    .append(connections)
                    .append("; ");
        }
        if (!control.isEmpty() && (adminToken == null || adminToken.isBlank())) {
            problems.append("--control needs --admin-token (or $FOGLINE_ADMIN_TOKEN); ");
        }
        if (!control.isEmpty() && canary != null && signingKey == null) {
            problems.append("--control needs --signing-key, a key the control plane trusts, to roll a bundle out; ");
        }
        if (telemetryEvery.isNegative()) {
            problems.append("--telemetry-every must not be negative; ");
        }
        if (deviceTimeout.toSeconds() < 1) {
            problems.append("--device-timeout must be at least 1 s; ");
        }
        if (factor <= 1) {
            problems.append("--factor must be above 1, got ").append(factor).append("; ");
        }
        return problems.isEmpty() ? null : problems.substring(0, problems.length() - 2);
    }

    public double offeredPollsPerSecond() {
        return (double) devices / pollInterval.toSeconds();
    }
}

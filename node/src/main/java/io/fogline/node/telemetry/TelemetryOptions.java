package io.fogline.node.telemetry;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a node gathers and keeps telemetry.
 *
 * @param window the length of a window
 * @param outboxMaxBytes the outbox's cap (the policy when full is {@link Outbox}'s)
 * @param batchMaxBytes the most bytes one upload carries
 * @param maxMergedWindows how many windows the outbox may merge into one when full, a power of two
 * @param hostRoot where the host's {@code /proc} and {@code /sys} are, which device health reads: {@code /}, or where
 *     a container mounts the host's (node_exporter's {@code --path.rootfs})
 */
public record TelemetryOptions(
        Duration window, long outboxMaxBytes, int batchMaxBytes, int maxMergedWindows, Path hostRoot) {

    /** Reading the machine's own {@code /proc} and {@code /sys}. */
    public TelemetryOptions(Duration window, long outboxMaxBytes, int batchMaxBytes, int maxMergedWindows) {
        this(window, outboxMaxBytes, batchMaxBytes, maxMergedWindows, Path.of("/"));
    }

    /** A minute's windows, 16 MiB kept (weeks of one model's minutes before any merging), 256 KiB uploads. */
    public static TelemetryOptions defaults() {
        return new TelemetryOptions(Duration.ofSeconds(60), 16L * 1024 * 1024, 256 * 1024, 1024);
    }

    public TelemetryOptions withHostRoot(Path root) {
        return new TelemetryOptions(window, outboxMaxBytes, batchMaxBytes, maxMergedWindows, root);
    }
}

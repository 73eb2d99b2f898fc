package io.fogline.core.telemetry;

import java.util.List;

/**
 * One upload of a node's outbox: the body of {@code POST /api/v1/devices/{id}/telemetry} (docs/protocol.md). The
 * control plane applies a batch id once, so a node that lost the acknowledgement sends the same batch again.
 *
 * @param batchId the device's id for this batch, the same on every attempt to send it
 */
public record TelemetryBatch(String batchId, List<TelemetryWindow> windows, List<NodeEvent> events) {

    public static final int MAX_BATCH_ID_LENGTH = 128;

    public TelemetryBatch {
        if (batchId == null || batchId.isEmpty() || batchId.length() > MAX_BATCH_ID_LENGTH) {
            throw new IllegalArgumentException("batch_id must be 1 to " + MAX_BATCH_ID_LENGTH + " characters");
        }
        windows = windows == null ? List.of() : List.copyOf(windows);
        events = events == null ? List.of() : List.copyOf(events);
    }
}

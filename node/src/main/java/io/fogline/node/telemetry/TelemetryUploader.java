package io.fogline.node.telemetry;

import java.io.IOException;
import java.util.Optional;

/** Empties the outbox into the control plane, one acknowledged batch at a time, until it is empty or the link fails. */
public final class TelemetryUploader {

    /** Sends one batch; returns once the control plane acknowledged it, throws when it did not. */
    @FunctionalInterface
    public interface Sender {
        void send(String batchId, byte[] body) throws IOException;
    }

    private final Outbox outbox;
    private final Sender sender;

    public TelemetryUploader(Outbox outbox, Sender sender) {
        this.outbox = outbox;
        this.sender = sender;
    }

    /**
     * Sends batches until the outbox is empty, at most {@code maxBatches} of them.
     *
     * @return the batches acknowledged
     * @throws IOException when a send failed: its batch stays in the outbox, to be sent again with the same id
     */
    public int drain(int maxBatches) throws IOException {
        int sent = 0;
        while (sent < maxBatches) {
            Optional<Outbox.Batch> batch = outbox.nextBatch();
            if (batch.isEmpty()) {
                break;
            }
            sender.send(batch.get().id(), batch.get().body());
            outbox.acknowledge(batch.get().id());
            sent++;
        }
        return sent;
    }
}

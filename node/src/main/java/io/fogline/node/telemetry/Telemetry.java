package io.fogline.node.telemetry;

import io.fogline.node.health.HealthSampler;
import io.fogline.node.health.SystemFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A node's telemetry: the recorder that hears every request, the outbox it fills, and a clock tick that closes
 * windows on time even when no request comes. Uploads ride on the OTA agent's poll, the node's heartbeat.
 */
public final class Telemetry implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Telemetry.class.getName());
    /** Seconds between readings of the device's health: often enough to catch a minute's peak temperature. */
    private static final int HEALTH_EVERY_TICKS = 5;
    /** Batches one poll sends at most, so that a node back from a long outage catches up over a few polls. */
    private static final int BATCHES_PER_POLL = 16;

    private final Outbox outbox;
    private final FieldFigures field;
    private final TelemetryRecorder recorder;
    private Thread ticker;

    private Telemetry(Outbox outbox, FieldFigures field, TelemetryRecorder recorder) {
        this.outbox = outbox;
        this.field = field;
        this.recorder = recorder;
    }

    /**
     * Opens the outbox in {@code dataDir}.
     *
     * @param repository the model repository, where served bundles keep their reference statistics
     */
    public static Telemetry open(TelemetryOptions options, Path dataDir, Path repository, InstantSource clock) {
        Outbox outbox = Outbox.open(
                dataDir.resolve("telemetry.db"),
                options.outboxMaxBytes(),
                options.batchMaxBytes(),
                options.maxMergedWindows());
        FieldFigures field = new FieldFigures(outbox, new HealthSampler(new SystemFiles(options.hostRoot()), dataDir));
        return new Telemetry(
                outbox, field, new TelemetryRecorder(options.window(), clock, new ReferenceBins(repository), field));
    }

    /** Counts ground truth for answers of a model version into the current window: live accuracy. */
    public void groundTruth(String model, String version, int labelled, int correct) {
        field.groundTruth(model, version, labelled, correct);
    }

    /** Starts the tick that closes windows on time and samples {@code queueDepths}, requests waiting per model. */
    public synchronized void startTicking(Supplier<Map<String, Integer>> queueDepths) {
        ticker = Thread.ofPlatform().name("fogline-telemetry").daemon().start(() -> {
            for (long tick = 0; !Thread.currentThread().isInterrupted(); tick++) {
                try {
                    Thread.sleep(1000);
                    if (tick % HEALTH_EVERY_TICKS == 0) {
                        field.sampleHealth();
                    }
                    recorder.tick(queueDepths.get());
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "telemetry tick failed: " + e.getMessage(), e);
                }
            }
        });
    }

    public TelemetryRecorder recorder() {
        return recorder;
    }

    /** Sends what the outbox holds, a bounded number of batches; what fails waits for the next poll. */
    public void upload(TelemetryUploader.Sender sender) {
        try {
            new TelemetryUploader(outbox, sender).drain(BATCHES_PER_POLL);
        } catch (IOException e) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "telemetry upload paused, it resumes at the next poll: {0}",
                    e.toString());
        }
    }

    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            running = ticker;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        outbox.close();
    }
}

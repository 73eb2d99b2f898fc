package io.fogline.node.telemetry;

import io.fogline.core.telemetry.DeviceHealth;
import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.NodeEvent;
import io.fogline.core.telemetry.TelemetryWindow;
import io.fogline.node.health.HealthSampler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds to each closed window what the field told the node meanwhile: ground truth per model version (labels given
 * and how many the version answered right), counted into the window during which it arrived, whenever the answer
 * was given; and the device's health over the window. Sits between the recorder and the outbox, so the recorder's
 * hot path is untouched.
 */
final class FieldFigures implements TelemetrySink {

    private final TelemetrySink next;
    /** Null where the node does not report its health. */
    private final HealthSampler health;
    /** Per model and version: labels given, of them answered right. */
    private Map<List<String>, long[]> groundTruth = new HashMap<>();

    FieldFigures(TelemetrySink next, HealthSampler health) {
        this.next = next;
        this.health = health;
    }

    /** Reads the device's health into the current window; the telemetry tick calls it every few seconds. */
    void sampleHealth() {
        if (health != null) {
            health.sample();
        }
    }

    synchronized void groundTruth(String model, String version, int labelled, int correct) {
        long[] counts = groundTruth.computeIfAbsent(List.of(model, version), key -> new long[2]);
        counts[0] += labelled;
        counts[1] += correct;
    }

    @Override
    public void window(TelemetryWindow window) {
        Map<List<String>, long[]> labelled;
        synchronized (this) {
            labelled = groundTruth;
            groundTruth = new HashMap<>();
        }
        DeviceHealth device = health == null ? null : health.drain();
        if (labelled.isEmpty()) {
            next.window(device == null ? window : window.withHealth(device));
            return;
        }
        List<ModelWindow> models = new ArrayList<>();
        for (ModelWindow model : window.models()) {
            long[] counts = labelled.remove(List.of(model.model(), model.version()));
            models.add(counts == null ? model : model.withGroundTruth(counts[0], counts[1]));
        }
        // Versions that answered nothing this window, but whose earlier answers got their ground truth now.
        labelled.forEach((key, counts) -> models.add(
                new ModelWindow(key.get(0), key.get(1), List.of(), null, null, 0, null, 0, 0, 0, 0, null, null, null)
                        .withGroundTruth(counts[0], counts[1])));
        next.window(new TelemetryWindow(window.start(), window.end(), window.seconds(), models, device));
    }

    @Override
    public void event(NodeEvent event) {
        next.event(event);
    }
}

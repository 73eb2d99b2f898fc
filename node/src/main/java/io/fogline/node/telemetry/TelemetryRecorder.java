package io.fogline.node.telemetry;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.NodeEvent;
import io.fogline.core.telemetry.TelemetryWindow;
import io.fogline.node.metrics.NodeObserver;
import io.fogline.routing.upstream.CircuitBreaker;
import io.fogline.runtime.onnx.OnnxModel;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers what the node does into windows of a fixed length, aligned to the clock, and hands each closed window to
 * the outbox. Tier, escalation and cache of a request come from its answer's routing parameters, so that they count
 * against the model version that answered; the router's own callbacks add only breaker changes, as events.
 */
public final class TelemetryRecorder implements NodeObserver {

    private final Duration window;
    private final InstantSource clock;
    private final ReferenceBins references;
    private final TelemetrySink sink;
    private Instant windowStart;
    private Map<String, ModelAccumulator> models = new LinkedHashMap<>();

    /** @param window the length of a window, a whole number of seconds */
    public TelemetryRecorder(Duration window, InstantSource clock, ReferenceBins references, TelemetrySink sink) {
        if (window.toSeconds() < 1 || window.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("a telemetry window must be a whole number of seconds, got " + window);
        }
        this.window = window;
        this.clock = clock;
        this.references = references;
        this.sink = sink;
        this.windowStart = align(clock.instant());
    }

    @Override
    public void requestSucceeded(
            InferenceRequest request, long requestBytes, InferenceResponse response, long requestNanos) {
        List<double[]> inputValues = ModelAccumulator.widened(request.inputs());
        List<double[]> outputValues = ModelAccumulator.widened(response.outputs());
        TelemetryWindow closed;
        synchronized (this) {
            closed = roll();
            model(response.modelName(), response.modelVersion())
                    .succeeded(request, requestBytes, response, requestNanos, inputValues, outputValues);
        }
        emit(closed);
    }

    @Override
    public void requestFailed(String model, String version, String reason) {
        if (model.isEmpty()) {
            return; // a model the node does not serve: nothing to watch over
        }
        TelemetryWindow closed;
        synchronized (this) {
            closed = roll();
            model(model, version == null ? "" : version).failed(reason);
        }
        emit(closed);
    }

    @Override
    public void requestCompleted(String model, String version, long queueNanos, OnnxModel.Timing timing) {
        TelemetryWindow closed;
        synchronized (this) {
            closed = roll();
            model(model, version).queued(queueNanos);
        }
        emit(closed);
    }

    @Override
    public void batchExecuted(String model, String version, int batchSize, OnnxModel.Timing timing) {}

    @Override
    public void modelLoaded(String model, String version, long loadNanos) {}

    @Override
    public void answered(String model, String tier, String escalation, String cache, boolean degraded) {}

    @Override
    public void breakerChanged(String parent, CircuitBreaker.State state) {
        if (state == CircuitBreaker.State.OPEN) {
            sink.event(new NodeEvent(clock.instant().toString(), "breaker_open", null, parent, 1));
        }
    }

    /**
     * Closes the window when its time is up, and notes the queues; call about once a second.
     *
     * @param depths requests waiting per model now
     */
    public void tick(Map<String, Integer> depths) {
        TelemetryWindow closed;
        synchronized (this) {
            closed = roll();
            models.values().forEach(model -> model.queueDepth(depths.getOrDefault(model.model(), 0)));
        }
        emit(closed);
    }

    private ModelAccumulator model(String model, String version) {
        return models.computeIfAbsent(
                model + '\u0000' + version, key -> new ModelAccumulator(model, version, references.of(model, version)));
    }

    /** Closes the current window if its time is up; a node that was asleep starts afresh at the current window. */
    private TelemetryWindow roll() {
        Instant now = clock.instant();
        Instant end = windowStart.plus(window);
        if (now.isBefore(end)) {
            return null;
        }
        List<ModelWindow> figures =
                models.values().stream().map(ModelAccumulator::snapshot).toList();
        TelemetryWindow closed = TelemetryWindow.of(windowStart, end, window.toSeconds(), figures);
        models = new LinkedHashMap<>();
        windowStart = align(now);
        return closed;
    }

    private void emit(TelemetryWindow closed) {
        if (closed != null) {
            sink.window(closed);
        }
    }

    private Instant align(Instant now) {
        long length = window.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), length) * length);
    }
}

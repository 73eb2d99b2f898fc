package io.fogline.node.telemetry;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.NodeEvent;
import io.fogline.core.telemetry.TelemetryWindow;
import io.fogline.node.metrics.NodeObserver;
import io.fogline.routing.RoutingParameters;
import io.fogline.routing.upstream.CircuitBreaker;
import io.fogline.runtime.onnx.OnnxModel;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers what the node does into windows of a fixed length, aligned to the clock, and hands each closed window to
 * the outbox. Tier, escalation and cache of a request come from its answer's routing parameters, so that they count
 * against the model version that answered; the router's own callbacks add only breaker changes, as events.
 *
 * <p>A request's thread (an event loop, a batcher's worker) only notes what happened in a buffer of its own stripe,
 * under that stripe's lock, which no other request thread shares in the common case; the tick, on its own thread,
 * takes the notes, counts them into the windows and writes closed windows and events to the outbox. Counts, latency
 * and bytes are kept for every request; the values of tensors (drift histograms, predicted classes) for at most
 * {@link #SAMPLES_PER_SECOND} requests a second per stripe, all of them on a node serving less than that.
 */
public final class TelemetryRecorder implements NodeObserver {

    static final int SAMPLES_PER_SECOND = 256;

    private final Duration window;
    private final InstantSource clock;
    private final ReferenceBins references;
    private final TelemetrySink sink;
    private final Stripe[] stripes;
    private Instant windowStart;
    private Map<String, ModelAccumulator> models = new LinkedHashMap<>();

    /** What a request's thread noted, in the order of the clock it read. */
    private sealed interface Note {
        long millis();
    }

    /** @param request and {@code response} kept only when the request was sampled for its tensors, else null */
    private record Succeeded(
            long millis,
            String model,
            String version,
            String tier,
            Object escalation,
            boolean cached,
            boolean degraded,
            long requestBytes,
            long requestNanos,
            InferenceRequest request,
            InferenceResponse response)
            implements Note {}

    private record Failed(long millis, String model, String version, String reason) implements Note {}

    private record Queued(long millis, String model, String version, long queueNanos) implements Note {}

    private record Event(long millis, NodeEvent event) implements Note {}

    private static final class Stripe {
        private List<Note> notes = new ArrayList<>();
        private long sampleSecond;
        private int sampled;

        synchronized void add(Note note) {
            notes.add(note);
        }

        /** Whether a request noted at {@code millis} is to keep its tensors. */
        synchronized boolean sample(long millis) {
            long second = millis / 1000;
            if (second != sampleSecond) {
                sampleSecond = second;
                sampled = 0;
            }
            return sampled++ < SAMPLES_PER_SECOND;
        }

        synchronized List<Note> take() {
            List<Note> taken = notes;
            notes = new ArrayList<>(Math.max(16, taken.size()));
            return taken;
        }
    }

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
        this.stripes = new Stripe
                [Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors())) * 4];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Stripe();
        }
    }

    private Stripe stripe() {
        return stripes[(int) (Thread.currentThread().threadId() & (stripes.length - 1))];
    }

    @Override
    public void requestSucceeded(
            InferenceRequest request, long requestBytes, InferenceResponse response, long requestNanos) {
        long millis = clock.millis();
        Stripe stripe = stripe();
        boolean sampled = stripe.sample(millis);
        Map<String, Object> parameters = response.parameters();
        stripe.add(new Succeeded(
                millis,
                response.modelName(),
                response.modelVersion(),
                String.valueOf(parameters.getOrDefault(RoutingParameters.TIER, RoutingParameters.LOCAL)),
                parameters.get(RoutingParameters.ESCALATION),
                RoutingParameters.CACHE_EXACT.equals(parameters.get(RoutingParameters.CACHE)),
                Boolean.TRUE.equals(parameters.get(RoutingParameters.DEGRADED)),
                requestBytes,
                requestNanos,
                sampled ? request : null,
                sampled ? response : null));
    }

    @Override
    public void requestFailed(String model, String version, String reason) {
        if (model.isEmpty()) {
            return; // a model the node does not serve: nothing to watch over
        }
        stripe().add(new Failed(clock.millis(), model, version == null ? "" : version, reason));
    }

    @Override
    public void requestCompleted(String model, String version, long queueNanos, OnnxModel.Timing timing) {
        stripe().add(new Queued(clock.millis(), model, version, queueNanos));
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
            Instant now = clock.instant();
            stripe().add(new Event(now.toEpochMilli(), new NodeEvent(now.toString(), "breaker_open", null, parent, 1)));
        }
    }

    /**
     * Counts what requests noted since the last tick, closes the windows whose time is up, writes them and the events
     * to the outbox, and notes the queues; call about once a second, from one thread.
     *
     * @param depths requests waiting per model now
     */
    public synchronized void tick(Map<String, Integer> depths) {
        List<Note> notes = new ArrayList<>();
        for (Stripe stripe : stripes) {
            notes.addAll(stripe.take());
        }
        long windowEnd = windowStart.plus(window).toEpochMilli();
        if (notes.stream().anyMatch(note -> note.millis() >= windowEnd)) {
            notes.sort(Comparator.comparingLong(Note::millis));
        }
        for (Note note : notes) {
            roll(Instant.ofEpochMilli(note.millis()));
            count(note);
        }
        roll(clock.instant());
        models.values().forEach(model -> model.queueDepth(depths.getOrDefault(model.model(), 0)));
    }

    private void count(Note note) {
        switch (note) {
            case Succeeded done -> {
                ModelAccumulator model = model(done.model(), done.version());
                model.succeeded(
                        done.tier(),
                        done.escalation(),
                        done.cached(),
                        done.degraded(),
                        done.requestBytes(),
                        done.requestNanos());
                if (done.request() != null) {
                    model.sampled(done.request(), done.response());
                }
            }
            case Failed failed -> model(failed.model(), failed.version()).failed(failed.reason());
            case Queued queued -> model(queued.model(), queued.version()).queued(queued.queueNanos());
            case Event event -> sink.event(event.event());
        }
    }

    private ModelAccumulator model(String model, String version) {
        return models.computeIfAbsent(
                model + '\u0000' + version, key -> new ModelAccumulator(model, version, references.of(model, version)));
    }

    /** Closes the current window if its time is up at {@code now}; after a sleep, starts afresh at now's window. */
    private void roll(Instant now) {
        Instant end = windowStart.plus(window);
        if (now.isBefore(end)) {
            return;
        }
        List<ModelWindow> figures =
                models.values().stream().map(ModelAccumulator::snapshot).toList();
        TelemetryWindow closed = TelemetryWindow.of(windowStart, end, window.toSeconds(), figures);
        models = new LinkedHashMap<>();
        windowStart = align(now);
        sink.window(closed);
    }

    private Instant align(Instant now) {
        long length = window.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), length) * length);
    }
}

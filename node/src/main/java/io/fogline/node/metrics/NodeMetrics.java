package io.fogline.node.metrics;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.routing.openai.ChatObserver;
import io.fogline.routing.score.Verdict;
import io.fogline.routing.upstream.CircuitBreaker;
import io.fogline.runtime.onnx.OnnxModel;
import io.fogline.runtime.stats.ProcessMemory;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

/**
 * The node's Prometheus metrics. Names follow Triton's where the meaning matches ({@code nv_inference_*} becomes
 * {@code fogline_inference_*}); durations are histograms in seconds, as Prometheus prefers, rather than Triton's
 * cumulative microsecond counters.
 */
public final class NodeMetrics implements NodeObserver, ChatObserver, AutoCloseable {

    /** Fixed buckets from 25 µs to 10 s: fine enough for a tiny model on a CPU, few enough to scrape cheaply. */
    private static final Duration[] LATENCY_BUCKETS = LongStream.of(
                    25,
                    50,
                    100,
                    250,
                    500,
                    1_000,
                    2_500,
                    5_000,
                    10_000,
                    25_000,
                    50_000,
                    100_000,
                    250_000,
                    500_000,
                    1_000_000,
                    2_500_000,
                    10_000_000)
            .mapToObj(micros -> Duration.of(micros, ChronoUnit.MICROS))
            .toArray(Duration[]::new);

    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Prometheus, and an OTLP exporter when one is asked for: every meter is registered once, for both. */
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();

    private final Map<String, ModelMeters> meters = new ConcurrentHashMap<>();
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();
    /** Routing counters by name and label values, built on first use: their labels come from the configs. */
    private final Map<String, Counter> routing = new ConcurrentHashMap<>();

    private final Map<String, AtomicInteger> breakerStates = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> thresholds = new ConcurrentHashMap<>();
    private final MultiGauge pendingRequests;

    public NodeMetrics() {
        this(null);
    }

    /** @param otlpEndpoint an OTLP/HTTP metrics URL to push every metric to each 30 s, or null */
    public NodeMetrics(URI otlpEndpoint) {
        this(otlpEndpoint, Duration.ofSeconds(30));
    }

    /** @param otlpStep how often metrics are pushed to {@code otlpEndpoint} */
    public NodeMetrics(URI otlpEndpoint, Duration otlpStep) {
        registry.add(prometheus);
        if (otlpEndpoint != null) {
            Map<String, String> settings = Map.of(
                    "otlp.url", otlpEndpoint.toString(),
                    "otlp.step", otlpStep.toString(),
                    "otlp.resourceAttributes", "service.name=fogline-node");
            registry.add(new OtlpMeterRegistry(settings::get, Clock.SYSTEM));
        }
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("process.resident.memory", ProcessMemory::residentBytes)
                .baseUnit("bytes")
                .description("Resident set size of the node process, native memory of the models included")
                .register(registry);
        pendingRequests = MultiGauge.builder("fogline.inference.pending.request.count")
                .description("Requests waiting in a model's batching queue")
                .register(registry);
    }

    /** Per model version meters, looked up once per request from a map rather than built through the registry. */
    private final class ModelMeters {
        final Counter success;
        final Counter inferences;
        final Counter executions;
        final Timer request;
        final Timer queue;
        final Timer computeInput;
        final Timer computeInfer;
        final Timer computeOutput;
        final DistributionSummary batchSize;

        ModelMeters(String model, String version) {
            Tags tags = Tags.of("model", model, "version", version);
            success = Counter.builder("fogline.inference.request.success")
                    .description("Successful inference requests")
                    .tags(tags)
                    .register(registry);
            inferences = Counter.builder("fogline.inference.count")
                    .description("Inferences performed, a batch of n counting n")
                    .tags(tags)
                    .register(registry);
            executions = Counter.builder("fogline.inference.exec.count")
                    .description("Model executions (batches) performed")
                    .tags(tags)
                    .register(registry);
            request = timer("fogline.inference.request.duration", "End-to-end request time at the node", tags);
            queue = timer("fogline.inference.queue.duration", "Time requests waited in the batching queue", tags);
            computeInput = timer("fogline.inference.compute.input.duration", "Time preparing a batch's inputs", tags);
            computeInfer = timer("fogline.inference.compute.infer.duration", "Time running the model", tags);
            computeOutput = timer("fogline.inference.compute.output.duration", "Time reading a batch's outputs", tags);
            batchSize = DistributionSummary.builder("fogline.inference.batch.size")
                    .description("Rows per executed batch")
                    .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
                    .tags(tags)
                    .register(registry);
        }

        private Timer timer(String name, String description, Tags tags) {
            return Timer.builder(name)
                    .description(description)
                    .tags(tags)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry);
        }
    }

    private ModelMeters meters(String model, String version) {
        return meters.computeIfAbsent(model + '\u0000' + version, key -> new ModelMeters(model, version));
    }

    @Override
    public void requestSucceeded(
            InferenceRequest request, long requestBytes, InferenceResponse response, long requestNanos) {
        ModelMeters modelMeters = meters(response.modelName(), response.modelVersion());
        modelMeters.success.increment();
        modelMeters.request.record(requestNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void requestFailed(String model, String version, String reason) {
        failures.computeIfAbsent(model + '\u0000' + reason, key -> Counter.builder("fogline.inference.request.failure")
                        .description("Failed inference requests by reason")
                        .tags("model", model, "reason", reason)
                        .register(registry))
                .increment();
    }

    @Override
    public void requestCompleted(String model, String version, long queueNanos, OnnxModel.Timing timing) {
        ModelMeters modelMeters = meters(model, version);
        modelMeters.queue.record(queueNanos, TimeUnit.NANOSECONDS);
        modelMeters.computeInput.record(timing.inputNanos(), TimeUnit.NANOSECONDS);
        modelMeters.computeInfer.record(timing.inferNanos(), TimeUnit.NANOSECONDS);
        modelMeters.computeOutput.record(timing.outputNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void batchExecuted(String model, String version, int batchSize, OnnxModel.Timing timing) {
        ModelMeters modelMeters = meters(model, version);
        modelMeters.executions.increment();
        modelMeters.inferences.increment(batchSize);
        modelMeters.batchSize.record(batchSize);
    }

    @Override
    public void modelLoaded(String model, String version, long loadNanos) {
        Timer.builder("fogline.model.load.duration")
                .description("Time to load and warm up a model version")
                .tags("model", model, "version", version)
                .register(registry)
                .record(loadNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void answered(String model, String tier, String escalation, String cache, boolean degraded) {
        routingCounter(
                "fogline.routing.answers", "Routed answers by the tier that gave them", "model", model, "tier", tier);
        routingCounter("fogline.routing.cache", "Exact cache lookups by result", "model", model, "result", cache);
        if (!escalation.equals(Verdict.NONE)) {
            routingCounter(
                    "fogline.routing.escalations",
                    "Answers a rule wanted from a parent, by rule",
                    "model",
                    model,
                    "reason",
                    escalation);
        }
        if (degraded) {
            routingCounter(
                    "fogline.routing.degraded", "Answers given locally because no parent answered", "model", model);
        }
    }

    @Override
    public void answered(String source, String cache) {
        routingCounter(
                "fogline.openai.chat.answers",
                "Chat completions by who answered (an upstream or the cache) and cache result",
                "source",
                source,
                "cache",
                cache);
    }

    @Override
    public void upstreamFailed(String upstream, String reason) {
        routingCounter(
                "fogline.openai.chat.upstream.failures",
                "Chat upstreams given up on (after their retries), each followed by a fallback or an error",
                "upstream",
                upstream,
                "reason",
                reason);
    }

    @Override
    public void redacted(String kind) {
        routingCounter(
                "fogline.redaction.entities", "Personal data replaced before a request left the node", "kind", kind);
    }

    private void routingCounter(String name, String description, String... tags) {
        routing.computeIfAbsent(name + '\u0000' + String.join("\u0000", tags), key -> Counter.builder(name)
                        .description(description)
                        .tags(tags)
                        .register(registry))
                .increment();
    }

    @Override
    public void breakerChanged(String parent, CircuitBreaker.State state) {
        breakerStates
                .computeIfAbsent(parent, name -> {
                    AtomicInteger value = new AtomicInteger();
                    Gauge.builder("fogline.routing.breaker.state", value, AtomicInteger::get)
                            .description("Circuit breaker of a parent tier: 0 closed, 1 half-open, 2 open")
                            .tags("parent", name)
                            .register(registry);
                    return value;
                })
                .set(
                        switch (state) {
                            case CLOSED -> 0;
                            case HALF_OPEN -> 1;
                            case OPEN -> 2;
                        });
    }

    @Override
    public void thresholdApplied(String model, double maxProbabilityBelow) {
        thresholds
                .computeIfAbsent(model, name -> {
                    AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
                    Gauge.builder("fogline.routing.escalation.threshold", value, AtomicReference::get)
                            .description("The max_probability_below the router escalates answers of a model below:"
                                    + " the bundle's, or the one the node calibrated for the serving version")
                            .tags("model", name)
                            .register(registry);
                    return value;
                })
                .set(maxProbabilityBelow);
    }

    /**
     * The Prometheus text exposition of every metric.
     *
     * @param queueDepths requests waiting per model now, read at scrape time rather than tracked per request
     */
    public String scrape(Map<String, Integer> queueDepths) {
        List<MultiGauge.Row<?>> rows = queueDepths.entrySet().stream()
                .<MultiGauge.Row<?>>map(depth -> MultiGauge.Row.of(Tags.of("model", depth.getKey()), depth.getValue()))
                .toList();
        pendingRequests.register(rows, true);
        return prometheus.scrape();
    }

    /** Stops the OTLP exporter, if any, after a last push. */
    @Override
    public void close() {
        registry.close();
    }
}

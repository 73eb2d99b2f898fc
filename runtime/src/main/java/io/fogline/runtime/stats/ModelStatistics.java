package io.fogline.runtime.stats;

import io.fogline.runtime.onnx.OnnxModel;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Cumulative statistics of one model version, in the shape of Triton's statistics extension. */
public final class ModelStatistics {

    /** A count and the nanoseconds they took together. */
    public record Duration(long count, long ns) {}

    public record BatchStatistics(
            int batchSize, Duration computeInput, Duration computeInfer, Duration computeOutput) {}

    /**
     * As Triton counts them: {@code success} includes answers from the response cache, whose lookups
     * {@code cacheHit} counts; {@code cacheMiss} counts the lookups and insertions of answers the model computed.
     */
    public record InferenceStatistics(
            Duration success,
            Duration fail,
            Duration queue,
            Duration computeInput,
            Duration computeInfer,
            Duration computeOutput,
            Duration cacheHit,
            Duration cacheMiss) {}

    /** @param lastInference milliseconds since the epoch of the last successful request, 0 before the first */
    public record Snapshot(
            String name,
            String version,
            long lastInference,
            long inferenceCount,
            long executionCount,
            InferenceStatistics inferenceStats,
            List<BatchStatistics> batchStats) {}

    private static final class Accumulator {
        final LongAdder count = new LongAdder();
        final LongAdder nanos = new LongAdder();

        void add(long ns) {
            count.increment();
            nanos.add(ns);
        }

        Duration snapshot() {
            return new Duration(count.sum(), nanos.sum());
        }
    }

    private record BatchAccumulators(Accumulator input, Accumulator infer, Accumulator output) {
        BatchAccumulators() {
            this(new Accumulator(), new Accumulator(), new Accumulator());
        }
    }

    private final String name;
    private final String version;
    private final AtomicLong lastInferenceMillis = new AtomicLong();
    private final LongAdder inferenceCount = new LongAdder();
    private final LongAdder executionCount = new LongAdder();
    private final Accumulator success = new Accumulator();
    private final Accumulator fail = new Accumulator();
    private final Accumulator queue = new Accumulator();
    private final Accumulator computeInput = new Accumulator();
    private final Accumulator computeInfer = new Accumulator();
    private final Accumulator computeOutput = new Accumulator();
    private final Accumulator cacheHit = new Accumulator();
    private final Accumulator cacheMiss = new Accumulator();
    private final Map<Integer, BatchAccumulators> batches = new ConcurrentHashMap<>();

    public ModelStatistics(String name, String version) {
        this.name = name;
        this.version = version;
    }

    public void requestSucceeded(int rows, long requestNanos, long queueNanos, OnnxModel.Timing timing) {
        lastInferenceMillis.set(System.currentTimeMillis());
        inferenceCount.add(rows);
        success.add(requestNanos);
        queue.add(queueNanos);
        computeInput.add(timing.inputNanos());
        computeInfer.add(timing.inferNanos());
        computeOutput.add(timing.outputNanos());
    }

    /** A request the response cache answered, in {@code lookupNanos}, without running the model. */
    public void cacheHit(long lookupNanos) {
        lastInferenceMillis.set(System.currentTimeMillis());
        success.add(lookupNanos);
        cacheHit.add(lookupNanos);
    }

    /** A lookup that missed and the insertion of the computed answer, which together took {@code nanos}. */
    public void cacheMiss(long nanos) {
        cacheMiss.add(nanos);
    }

    public void requestFailed(long requestNanos) {
        fail.add(requestNanos);
    }

    public void batchExecuted(int batchSize, OnnxModel.Timing timing) {
        executionCount.increment();
        BatchAccumulators accumulators = batches.computeIfAbsent(batchSize, size -> new BatchAccumulators());
        accumulators.input.add(timing.inputNanos());
        accumulators.infer.add(timing.inferNanos());
        accumulators.output.add(timing.outputNanos());
    }

    public Snapshot snapshot() {
        Map<Integer, BatchAccumulators> sorted = new TreeMap<>(batches);
        return new Snapshot(
                name,
                version,
                lastInferenceMillis.get(),
                inferenceCount.sum(),
                executionCount.sum(),
                new InferenceStatistics(
                        success.snapshot(),
                        fail.snapshot(),
                        queue.snapshot(),
                        computeInput.snapshot(),
                        computeInfer.snapshot(),
                        computeOutput.snapshot(),
                        cacheHit.snapshot(),
                        cacheMiss.snapshot()),
                sorted.entrySet().stream()
                        .map(entry -> new BatchStatistics(
                                entry.getKey(),
                                entry.getValue().input.snapshot(),
                                entry.getValue().infer.snapshot(),
                                entry.getValue().output.snapshot()))
                        .toList());
    }
}

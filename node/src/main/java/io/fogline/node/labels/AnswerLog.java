package io.fogline.node.labels;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.telemetry.PredictedClasses;
import io.fogline.core.tensor.Tensor;
import io.fogline.core.tensor.TensorValues;
import io.fogline.node.metrics.NodeObserver;
import io.fogline.routing.RoutingParameters;
import io.fogline.routing.upstream.CircuitBreaker;
import io.fogline.runtime.onnx.OnnxModel;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Remembers the answers that ground truth may come for: every answer with class scores to a request that carried an
 * {@code id}. The request's thread only copies what is kept into a bounded lock-free queue; a writer thread stores
 * it in the {@link LabelStore}, so no request waits for the disk. A full queue drops answers and counts them.
 */
public final class AnswerLog implements NodeObserver, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AnswerLog.class.getName());
    /** Answers waiting for the writer at most: a burst of a few seconds at thousands of requests a second. */
    static final int QUEUE_CAPACITY = 8192;
    /** Inputs with more values per row are not kept: the store is for small edge models' inputs. */
    static final int MAX_INPUT_VALUES = 65_536;

    private static final long WRITE_EVERY_NANOS = 200_000_000L;
    private static final long EXPIRE_EVERY_MILLIS = 60_000L;

    private final LabelStore store;
    private final InstantSource clock;
    private final Queue<AnswerRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    public AnswerLog(LabelStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
        this.writer = Thread.ofPlatform().name("fogline-labels").daemon().start(this::write);
    }

    @Override
    public void requestSucceeded(
            InferenceRequest request, long requestBytes, InferenceResponse response, long requestNanos) {
        if (request.id() == null || request.id().isEmpty()) {
            return;
        }
        List<AnswerRecord> answers = records(request, response, clock.millis());
        for (AnswerRecord answer : answers) {
            if (queued.incrementAndGet() > QUEUE_CAPACITY) {
                queued.decrementAndGet();
                dropped.incrementAndGet();
            } else {
                queue.add(answer);
            }
        }
    }

    /** The rows of an answer worth keeping: none when it holds no class scores. */
    static List<AnswerRecord> records(InferenceRequest request, InferenceResponse response, long nowMillis) {
        Tensor scores = response.outputs().stream()
                .filter(output -> PredictedClasses.width(output) > 0)
                .findFirst()
                .orElse(null);
        if (scores == null) {
            return List.of();
        }
        int classes = PredictedClasses.width(scores);
        double[] values = TensorValues.of(scores);
        int rows = values.length / classes;
        String tier =
                String.valueOf(response.parameters().getOrDefault(RoutingParameters.TIER, RoutingParameters.LOCAL));
        boolean fromParent = !RoutingParameters.LOCAL.equals(tier)
                && !Boolean.TRUE.equals(response.parameters().get(RoutingParameters.DEGRADED));
        double teacherConfidence = fromParent ? confidence(response) : Double.NaN;
        Tensor input = request.inputs().size() == 1 ? request.inputs().getFirst() : null;
        boolean keepInput = input != null
                && TensorValues.isNumeric(input.datatype())
                && input.rank() >= 1
                && input.dim(0) == rows
                && input.elementCount() / Math.max(1, rows) <= MAX_INPUT_VALUES;
        double[] inputValues = keepInput ? TensorValues.of(input) : null;
        int rowValues = keepInput ? (int) (input.elementCount() / rows) : 0;
        long[] rowShape = keepInput ? Arrays.copyOfRange(input.shape(), 1, input.rank()) : null;
        List<AnswerRecord> answers = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            float[] rowInput = null;
            if (keepInput) {
                rowInput = new float[rowValues];
                for (int i = 0; i < rowValues; i++) {
                    rowInput[i] = (float) inputValues[row * rowValues + i];
                }
            }
            answers.add(new AnswerRecord(
                    response.modelName(),
                    response.modelVersion(),
                    request.id(),
                    row,
                    nowMillis,
                    classes,
                    argMax(values, row * classes, classes),
                    tier,
                    teacherConfidence,
                    rowInput,
                    rowShape));
        }
        return answers;
    }

    /** The confidence the parent reported; 0 for a parent that reports none, which says nothing for its answer. */
    private static double confidence(InferenceResponse response) {
        Object value = response.parameters().get(RoutingParameters.CONFIDENCE);
        return value instanceof Number number ? number.doubleValue() : 0.0;
    }

    private static int argMax(double[] values, int from, int width) {
        int top = 0;
        for (int i = 1; i < width; i++) {
            if (values[from + i] > values[from + top]) {
                top = i;
            }
        }
        return top;
    }

    /**
     * Stores what waits now; ground truth calls it first, so an answer given a moment ago can be labelled. Callers
     * take turns with the writer thread: one that found the queue empty while the writer still held the answers it
     * had taken would otherwise return before they were stored.
     */
    public synchronized void flush() {
        List<AnswerRecord> batch = new ArrayList<>();
        AnswerRecord next;
        while ((next = queue.poll()) != null) {
            queued.decrementAndGet();
            batch.add(next);
        }
        store.remember(batch);
    }

    /** Answers dropped because the writer fell behind. */
    public long dropped() {
        return dropped.get();
    }

    private void write() {
        long lastExpiry = clock.millis();
        while (!closed) {
            LockSupport.parkNanos(WRITE_EVERY_NANOS);
            try {
                flush();
                long now = clock.millis();
                if (now - lastExpiry >= EXPIRE_EVERY_MILLIS) {
                    store.expire(now);
                    lastExpiry = now;
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "storing answers for ground truth failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void requestFailed(String model, String version, String reason) {}

    @Override
    public void requestCompleted(String model, String version, long queueNanos, OnnxModel.Timing timing) {}

    @Override
    public void batchExecuted(String model, String version, int batchSize, OnnxModel.Timing timing) {}

    @Override
    public void modelLoaded(String model, String version, long loadNanos) {}

    @Override
    public void answered(String model, String tier, String escalation, String cache, boolean degraded) {}

    @Override
    public void breakerChanged(String parent, CircuitBreaker.State state) {}

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}

package io.fogline.runtime.batching;

import io.fogline.core.error.InferenceException;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Tensor;
import io.fogline.runtime.onnx.InputArena;
import io.fogline.runtime.onnx.OnnxModel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the requests of one model version, at most {@code instances} executions at a time, joining requests that wait
 * at the same time into one batch along the first dimension.
 *
 * <p>A lone request on an idle model never waits. When the model is cheap (its recent runs typically took no longer
 * than {@code inlineComputeNanos}, see {@link RecentCost}) and nothing is queued, it runs on the thread that submits it: handing it to a worker
 * and the answer back would cost two thread wake-ups, more than the run itself. Otherwise it is queued, and a free
 * worker takes whatever is queued at once. Under load, requests pile up while a batch runs and the next batch takes
 * them together. The queue delay applies only while another batch of the same model is running, when waiting for
 * companions costs the hardware nothing.
 */
public final class DynamicBatcher implements AutoCloseable {

    /**
     * @param maxBatchSize rows one batch may carry; 0 when the model has no batch dimension (each request runs alone)
     * @param maxQueueDelayNanos how long a worker may wait for companions while another batch runs
     * @param preferredBatchSizes sizes at which a worker stops gathering, ascending
     * @param maxQueueSize waiting requests past which new ones are refused; 0 for no limit
     * @param instances executions at a time, and worker threads
     * @param inlineComputeNanos a run expected to take no longer than this may run on the submitting thread; 0 never
     */
    public record Settings(
            int maxBatchSize,
            long maxQueueDelayNanos,
            int[] preferredBatchSizes,
            int maxQueueSize,
            int instances,
            long inlineComputeNanos) {}

    /** A request's outputs, with how long it waited in the queue and how long its batch took to compute. */
    public record Completion(Map<String, Tensor> outputs, long queueNanos, OnnxModel.Timing timing) {}

    /** Receives the timing of every batch; implementations must be thread-safe and quick. */
    public interface BatchListener {
        void batchCompleted(int batchSize, OnnxModel.Timing timing);
    }

    /** Native input buffers of the threads that run requests they submit, e.g. event loops; one per thread. */
    private static final ThreadLocal<InputArena> CALLER_ARENAS = ThreadLocal.withInitial(InputArena::new);

    private final OnnxModel model;
    private final Settings settings;
    private final BatchListener listener;
    private final ArrayDeque<PendingRequest> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a request is queued, an execution ends while requests wait, or the batcher closes. */
    private final Condition changed = lock.newCondition();

    private final List<Thread> workers = new ArrayList<>();
    /** Executions in progress, on workers and on submitting threads; never more than {@code instances}. */
    private final AtomicInteger running = new AtomicInteger();
    /** The queue's size, written under the lock, read without it by a submitter deciding whether to run inline. */
    private volatile int queued;

    private final RecentCost recentCost = new RecentCost();

    private volatile boolean closed;

    public DynamicBatcher(String threadName, OnnxModel model, Settings settings, BatchListener listener) {
        this.model = model;
        this.settings = settings;
        this.listener = listener;
        for (int i = 0; i < settings.instances(); i++) {
            Thread worker =
                    Thread.ofPlatform().name(threadName + "-" + i).daemon().unstarted(this::work);
            workers.add(worker);
            worker.start();
        }
    }

    /**
     * Queues a request.
     *
     * @param rows the request's size along the batch dimension (1 when the model has none)
     * @return the request's outputs, completed by a worker
     */
    public CompletableFuture<Completion> submit(Map<String, Tensor> inputs, Set<String> outputs, int rows) {
        return submit(inputs, outputs, rows, null);
    }

    /**
     * Queues a request that the client gives {@code timeout}: if it is still waiting for a worker when that has
     * passed, it fails as unavailable instead of running.
     *
     * @param timeout null for none
     */
    public CompletableFuture<Completion> submit(
            Map<String, Tensor> inputs, Set<String> outputs, int rows, Duration timeout) {
        PendingRequest request = new PendingRequest(inputs, outputs, rows, System.nanoTime(), timeout);
        if (closed) {
            throw InferenceException.unavailable("the model is being unloaded", 1);
        }
        if (mayRunHere() && takeInstance()) {
            execute(List.of(request), CALLER_ARENAS.get());
            return request.result;
        }
        lock.lock();
        try {
            if (closed) {
                throw InferenceException.unavailable("the model is being unloaded", 1);
            }
            if (settings.maxQueueSize() > 0 && queue.size() >= settings.maxQueueSize()) {
                throw InferenceException.unavailable(
                        "the queue of this model is full (" + settings.maxQueueSize()
                                + " requests waiting); retry later",
                        1);
            }
            queue.addLast(request);
            queued = queue.size();
            changed.signal();
        } finally {
            lock.unlock();
        }
        return request.result;
    }

    /**
     * Whether a request may run on the submitting thread: the model is cheap and nothing waits before it. Virtual
     * threads queue instead; a native buffer arena per virtual thread would be allocated for one run and dropped.
     */
    private boolean mayRunHere() {
        return queued == 0
                && recentCost.typicalNanos() <= settings.inlineComputeNanos()
                && !Thread.currentThread().isVirtual();
    }

    /** Takes one of the model's instances if one is free. */
    private boolean takeInstance() {
        while (true) {
            int now = running.get();
            if (now >= settings.instances()) {
                return false;
            }
            if (running.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives an instance back, and wakes a worker when requests wait for one. */
    private void releaseInstance() {
        running.decrementAndGet();
        if (queued > 0) {
            lock.lock();
            try {
                changed.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    public int queueDepth() {
        return queued;
    }

    private void work() {
        InputArena arena = new InputArena();
        while (true) {
            List<PendingRequest> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) {
                return;
            }
            execute(batch, arena);
        }
    }

    /** The next batch to run, or null once closed and drained. */
    private List<PendingRequest> nextBatch() throws InterruptedException {
        List<PendingRequest> expired = new ArrayList<>();
        try {
            return nextBatch(expired);
        } finally {
            // Outside the lock: failing a request runs whatever its caller chained to it.
            for (PendingRequest request : expired) {
                request.result.completeExceptionally(InferenceException.unavailable(
                        "the request's timeout of " + request.timeout.toNanos() / 1000
                                + " µs passed while it waited for the model",
                        0));
            }
        }
    }

    private List<PendingRequest> nextBatch(List<PendingRequest> expired) throws InterruptedException {
        lock.lock();
        try {
            PendingRequest head;
            while (true) {
                dropExpired(expired);
                if (!queue.isEmpty() && takeInstance()) {
                    head = queue.pollFirst();
                    break;
                }
                if (queue.isEmpty() && closed) {
                    queued = 0;
                    return null;
                }
                changed.await();
            }
            List<PendingRequest> batch = new ArrayList<>();
            batch.add(head);
            if (settings.maxBatchSize() > 0) {
                int rows = gather(head, batch, head.rows);
                long deadline = head.enqueuedNanos + settings.maxQueueDelayNanos();
                // This batch holds an instance already: another running means a second one is busy.
                while (rows < targetRows(rows) && running.get() > 1 && !closed) {
                    long wait = deadline - System.nanoTime();
                    if (wait <= 0) {
                        break;
                    }
                    changed.awaitNanos(wait);
                    dropExpired(expired);
                    rows = gather(head, batch, rows);
                }
            }
            queued = queue.size();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the requests whose timeout has passed out of the queue. */
    private void dropExpired(List<PendingRequest> expired) {
        long now = System.nanoTime();
        Iterator<PendingRequest> waiting = queue.iterator();
        while (waiting.hasNext()) {
            PendingRequest request = waiting.next();
            if (now - request.deadlineNanos > 0) {
                waiting.remove();
                expired.add(request);
            }
        }
        queued = queue.size();
    }

    /** Moves queued requests that can join {@code head}'s batch into it, oldest first; returns the rows gathered. */
    private int gather(PendingRequest head, List<PendingRequest> batch, int rows) {
        Iterator<PendingRequest> waiting = queue.iterator();
        while (waiting.hasNext() && rows < settings.maxBatchSize()) {
            PendingRequest candidate = waiting.next();
            if (rows + candidate.rows <= settings.maxBatchSize() && head.canBatchWith(candidate)) {
                waiting.remove();
                batch.add(candidate);
                rows += candidate.rows;
            }
        }
        return rows;
    }

    private int targetRows(int rows) {
        for (int preferred : settings.preferredBatchSizes()) {
            if (preferred >= rows) {
                return preferred;
            }
        }
        return settings.maxBatchSize();
    }

    /**
     * Runs a batch on an instance the caller holds, gives the instance back, then completes the batch's requests:
     * what their callers do next (encoding and writing answers) does not keep the model from its next run.
     */
    private void execute(List<PendingRequest> batch, InputArena arena) {
        long started = System.nanoTime();
        for (PendingRequest request : batch) {
            request.startedNanos = started;
        }
        OnnxModel.Result result;
        List<Map<String, Tensor>> outputs;
        try {
            PendingRequest head = batch.getFirst();
            result = batch.size() == 1
                    ? model.run(head.inputs, head.outputs, arena)
                    : model.run(concatenate(batch, arena), head.outputs, arena);
            int rows = 0;
            for (PendingRequest request : batch) {
                rows += request.rows;
            }
            OnnxModel.Timing timing = result.timing();
            recentCost.record(timing.inputNanos() + timing.inferNanos() + timing.outputNanos());
            listener.batchCompleted(rows, timing);
            outputs = batch.size() == 1 ? List.of(result.outputs()) : split(batch, result, rows);
        } catch (RuntimeException | Error e) {
            releaseInstance();
            for (PendingRequest request : batch) {
                request.result.completeExceptionally(e);
            }
            return;
        }
        releaseInstance();
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(outputs.get(i), result.timing());
        }
    }

    private static Map<String, Tensor> concatenate(List<PendingRequest> batch, InputArena arena) {
        Map<String, Tensor> joined = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> first : batch.getFirst().inputs.entrySet()) {
            String name = first.getKey();
            int bytes = 0;
            long rows = 0;
            for (PendingRequest request : batch) {
                Tensor part = request.inputs.get(name);
                bytes += part.byteSize();
                rows += part.dim(0);
            }
            ByteBuffer buffer = arena.reserve(name, bytes);
            for (PendingRequest request : batch) {
                buffer.put(request.inputs.get(name).data());
            }
            long[] shape = first.getValue().shape();
            shape[0] = rows;
            joined.put(name, new Tensor(name, first.getValue().datatype(), shape, buffer.flip()));
        }
        return joined;
    }

    /** Each request's rows of the batch's outputs, in the batch's order. */
    private static List<Map<String, Tensor>> split(List<PendingRequest> batch, OnnxModel.Result result, int totalRows) {
        List<Map<String, Tensor>> parts = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            parts.add(new LinkedHashMap<>());
        }
        for (Tensor output : result.outputs().values()) {
            if (output.rank() == 0 || output.dim(0) != totalRows) {
                throw InferenceException.internal(
                        "output '" + output.name() + "' has shape "
                                + java.util.Arrays.toString(output.shape()) + ", which does not carry the batch of "
                                + totalRows + " rows along its first dimension",
                        null);
            }
            if (output.datatype() == DataType.BYTES) {
                splitBytes(batch, output, totalRows, parts);
            } else {
                ByteBuffer data = output.data();
                int rowBytes = output.byteSize() / totalRows;
                for (int i = 0; i < batch.size(); i++) {
                    int rows = batch.get(i).rows;
                    long[] shape = output.shape();
                    shape[0] = rows;
                    ByteBuffer slice = data.slice(data.position(), rows * rowBytes);
                    data.position(data.position() + rows * rowBytes);
                    parts.get(i).put(output.name(), new Tensor(output.name(), output.datatype(), shape, slice));
                }
            }
        }
        return parts;
    }

    private static void splitBytes(
            List<PendingRequest> batch, Tensor output, int totalRows, List<Map<String, Tensor>> parts) {
        List<byte[]> elements = output.toByteElements();
        int perRow = elements.size() / totalRows;
        int next = 0;
        for (int i = 0; i < batch.size(); i++) {
            int rows = batch.get(i).rows;
            long[] shape = output.shape();
            shape[0] = rows;
            parts.get(i)
                    .put(
                            output.name(),
                            Tensor.ofBytes(output.name(), shape, elements.subList(next, next + rows * perRow)));
            next += rows * perRow;
        }
    }

    /** Stops taking requests, lets the queued ones finish, and waits for the workers to end. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread worker : workers) {
            try {
                if (!worker.join(Duration.ofSeconds(30))) {
                    worker.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static final class PendingRequest {
        final Map<String, Tensor> inputs;
        final Set<String> outputs;
        final int rows;
        final long enqueuedNanos;
        final Duration timeout;
        /** When the client stops waiting; far in the future without a timeout. */
        final long deadlineNanos;

        final CompletableFuture<Completion> result = new CompletableFuture<>();
        long startedNanos;

        PendingRequest(
                Map<String, Tensor> inputs, Set<String> outputs, int rows, long enqueuedNanos, Duration timeout) {
            this.inputs = inputs;
            this.outputs = outputs;
            this.rows = rows;
            this.enqueuedNanos = enqueuedNanos;
            this.timeout = timeout;
            this.deadlineNanos = enqueuedNanos + (timeout == null ? Long.MAX_VALUE / 2 : timeout.toNanos());
        }

        /** Requests batch together when they ask for the same outputs and agree on every dimension but the first. */
        boolean canBatchWith(PendingRequest other) {
            if (!outputs.equals(other.outputs) || inputs.size() != other.inputs.size()) {
                return false;
            }
            for (Map.Entry<String, Tensor> input : inputs.entrySet()) {
                Tensor theirs = other.inputs.get(input.getKey());
                if (theirs == null || !sameTrailingDims(input.getValue(), theirs)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean sameTrailingDims(Tensor a, Tensor b) {
            if (a.rank() != b.rank() || a.rank() == 0) {
                return false;
            }
            for (int d = 1; d < a.rank(); d++) {
                if (a.dim(d) != b.dim(d)) {
                    return false;
                }
            }
            return a.datatype() == b.datatype();
        }

        void complete(Map<String, Tensor> outputs, OnnxModel.Timing timing) {
            result.complete(new Completion(outputs, startedNanos - enqueuedNanos, timing));
        }
    }
}

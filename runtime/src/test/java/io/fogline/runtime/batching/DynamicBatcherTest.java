package io.fogline.runtime.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.core.error.InferenceException;
import io.fogline.core.tensor.Tensor;
import io.fogline.runtime.onnx.InputArena;
import io.fogline.runtime.onnx.OnnxModel;
import io.fogline.runtime.testing.TinyModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamicBatcherTest {

    @TempDir
    static Path directory;

    static OnnxModel mlp;

    @BeforeAll
    static void loadModel() throws Exception {
        mlp = OnnxModel.load(TinyModels.mlp(directory.resolve("mlp.onnx"), 4, 16, 3, 11), 1);
    }

    @AfterAll
    static void closeModel() {
        mlp.close();
    }

    private static Map<String, Tensor> row(int seed) {
        return Map.of("input", Tensor.ofFloats("input", new long[] {1, 4}, seed, seed * 0.5f, -seed, 1));
    }

    private static final Set<String> OUTPUTS = Set.of("probabilities");

    /** Holds the worker inside its first batch until released, so that later requests must queue behind it. */
    private static final class GatedListener implements DynamicBatcher.BatchListener {
        final CountDownLatch inFirstBatch = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

        @Override
        public void batchCompleted(int batchSize, OnnxModel.Timing timing) {
            batchSizes.add(batchSize);
            inFirstBatch.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void requestsThatWaitTogetherRunAsOneBatchAndEachGetsItsOwnRows() throws Exception {
        GatedListener listener = new GatedListener();
        try (DynamicBatcher batcher =
                new DynamicBatcher("test", mlp, new DynamicBatcher.Settings(8, 0, new int[0], 0, 1, 0), listener)) {
            CompletableFuture<DynamicBatcher.Completion> first = batcher.submit(row(0), OUTPUTS, 1);
            assertThat(listener.inFirstBatch.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<DynamicBatcher.Completion>> queued = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                queued.add(batcher.submit(row(i), OUTPUTS, 1));
            }
            listener.release.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (int i = 1; i <= 6; i++) {
                float[] batched = queued.get(i - 1)
                        .get(10, TimeUnit.SECONDS)
                        .outputs()
                        .get("probabilities")
                        .toFloats();
                float[] alone = mlp.run(row(i), OUTPUTS, new InputArena())
                        .outputs()
                        .get("probabilities")
                        .toFloats();
                assertThat(batched).containsExactly(alone, org.assertj.core.data.Offset.offset(1e-6f));
            }
            assertThat(listener.batchSizes).containsExactly(1, 6);
        }
    }

    @Test
    void aBatchNeverExceedsTheMaxBatchSize() throws Exception {
        GatedListener listener = new GatedListener();
        try (DynamicBatcher batcher =
                new DynamicBatcher("test", mlp, new DynamicBatcher.Settings(4, 0, new int[0], 0, 1, 0), listener)) {
            CompletableFuture<DynamicBatcher.Completion> first = batcher.submit(row(0), OUTPUTS, 1);
            assertThat(listener.inFirstBatch.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<DynamicBatcher.Completion>> queued = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                queued.add(batcher.submit(row(i), OUTPUTS, 1));
            }
            listener.release.countDown();
            CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            first.get();
            assertThat(listener.batchSizes).containsExactly(1, 4, 4, 2);
        }
    }

    @Test
    void requestsWithDifferentTrailingShapesAreNotJoined() throws Exception {
        try (OnnxModel add = OnnxModel.load(TinyModels.add(directory.resolve("add.onnx")), 1)) {
            GatedListener listener = new GatedListener();
            try (DynamicBatcher batcher =
                    new DynamicBatcher("test", add, new DynamicBatcher.Settings(8, 0, new int[0], 0, 1, 0), listener)) {
                Set<String> sum = Set.of("sum");
                CompletableFuture<DynamicBatcher.Completion> first = batcher.submit(pair(2), sum, 1);
                assertThat(listener.inFirstBatch.await(10, TimeUnit.SECONDS)).isTrue();
                CompletableFuture<DynamicBatcher.Completion> wide = batcher.submit(pair(3), sum, 1);
                CompletableFuture<DynamicBatcher.Completion> narrow = batcher.submit(pair(2), sum, 1);
                CompletableFuture<DynamicBatcher.Completion> wideAgain = batcher.submit(pair(3), sum, 1);
                listener.release.countDown();
                first.get(10, TimeUnit.SECONDS);
                assertThat(wide.get(10, TimeUnit.SECONDS).outputs().get("sum").shape())
                        .containsExactly(1, 3);
                assertThat(narrow.get(10, TimeUnit.SECONDS).outputs().get("sum").shape())
                        .containsExactly(1, 2);
                assertThat(wideAgain
                                .get(10, TimeUnit.SECONDS)
                                .outputs()
                                .get("sum")
                                .toFloats())
                        .containsExactly(2, 2, 2);
                assertThat(listener.batchSizes).containsExactly(1, 2, 1);
            }
        }
    }

    private static Map<String, Tensor> pair(int width) {
        float[] ones = new float[width];
        java.util.Arrays.fill(ones, 1);
        return Map.of(
                "a", Tensor.ofFloats("a", new long[] {1, width}, ones),
                "b", Tensor.ofFloats("b", new long[] {1, width}, ones));
    }

    @Test
    void aLoneRequestDoesNotWaitForTheQueueDelay() throws Exception {
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        long oneHour = TimeUnit.HOURS.toNanos(1);
        try (DynamicBatcher batcher = new DynamicBatcher(
                "test",
                mlp,
                new DynamicBatcher.Settings(8, oneHour, new int[] {8}, 0, 1, 0),
                (size, timing) -> sizes.add(size))) {
            // With an hour of queue delay, only the idle-queue rule lets this finish.
            batcher.submit(row(1), OUTPUTS, 1).get(30, TimeUnit.SECONDS);
            batcher.submit(row(2), OUTPUTS, 1).get(30, TimeUnit.SECONDS);
        }
        assertThat(sizes).containsExactly(1, 1);
    }

    @Test
    void aFullQueueRefusesWithRetryAfter() throws Exception {
        GatedListener listener = new GatedListener();
        try (DynamicBatcher batcher =
                new DynamicBatcher("test", mlp, new DynamicBatcher.Settings(8, 0, new int[0], 2, 1, 0), listener)) {
            CompletableFuture<DynamicBatcher.Completion> running = batcher.submit(row(0), OUTPUTS, 1);
            assertThat(listener.inFirstBatch.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<DynamicBatcher.Completion> second = batcher.submit(row(1), OUTPUTS, 1);
            CompletableFuture<DynamicBatcher.Completion> third = batcher.submit(row(2), OUTPUTS, 1);
            assertThatThrownBy(() -> batcher.submit(row(3), OUTPUTS, 1))
                    .isInstanceOf(InferenceException.class)
                    .hasMessage("the queue of this model is full (2 requests waiting); retry later")
                    .satisfies(e -> {
                        InferenceException refused = (InferenceException) e;
                        assertThat(refused.kind()).isEqualTo(InferenceException.Kind.UNAVAILABLE);
                        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
                    });
            listener.release.countDown();
            running.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
            third.get(10, TimeUnit.SECONDS);
            assertThat(batcher.queueDepth()).isZero();
        }
    }

    @Test
    void closingFinishesQueuedRequestsAndRefusesNewOnes() throws Exception {
        DynamicBatcher batcher = new DynamicBatcher(
                "test", mlp, new DynamicBatcher.Settings(8, 0, new int[0], 0, 2, 0), (size, timing) -> {});
        List<CompletableFuture<DynamicBatcher.Completion>> submitted = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            submitted.add(batcher.submit(row(i), OUTPUTS, 1));
        }
        batcher.close();
        for (CompletableFuture<DynamicBatcher.Completion> request : submitted) {
            assertThat(request.get(10, TimeUnit.SECONDS).outputs()).containsKey("probabilities");
        }
        assertThatThrownBy(() -> batcher.submit(row(0), OUTPUTS, 1)).hasMessage("the model is being unloaded");
    }

    /** Records the thread that ran each batch. */
    private static final class ThreadRecorder implements DynamicBatcher.BatchListener {
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void batchCompleted(int batchSize, OnnxModel.Timing timing) {
            threads.add(Thread.currentThread().getName());
        }
    }

    @Test
    void aLoneRequestOnACheapIdleModelRunsOnTheSubmittingThreadOnceItsCostIsKnown() throws Exception {
        ThreadRecorder recorder = new ThreadRecorder();
        long oneSecond = TimeUnit.SECONDS.toNanos(1);
        try (DynamicBatcher batcher = new DynamicBatcher(
                "worker", mlp, new DynamicBatcher.Settings(8, 0, new int[0], 0, 1, oneSecond), recorder)) {
            // The first run's cost is unknown: it goes to a worker, which measures it.
            batcher.submit(row(1), OUTPUTS, 1).get(10, TimeUnit.SECONDS);
            CompletableFuture<DynamicBatcher.Completion> second = batcher.submit(row(2), OUTPUTS, 1);
            assertThat(second).isDone();
            assertThat(second.get().queueNanos()).isLessThan(oneSecond);
        }
        assertThat(recorder.threads)
                .containsExactly("worker-0", Thread.currentThread().getName());
    }

    @Test
    void aModelSlowerThanTheInlineLimitAlwaysRunsOnItsWorkers() throws Exception {
        ThreadRecorder recorder = new ThreadRecorder();
        try (DynamicBatcher batcher =
                new DynamicBatcher("worker", mlp, new DynamicBatcher.Settings(8, 0, new int[0], 0, 1, 1), recorder)) {
            for (int i = 0; i < 3; i++) {
                batcher.submit(row(i), OUTPUTS, 1).get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(recorder.threads).containsExactly("worker-0", "worker-0", "worker-0");
    }

    @Test
    void aCheapRequestQueuesWhileEveryInstanceIsBusyAndJoinsTheNextBatch() throws Exception {
        GatedListener gate = new GatedListener();
        ThreadRecorder recorder = new ThreadRecorder();
        AtomicBoolean gated = new AtomicBoolean();
        DynamicBatcher.BatchListener listener = (size, timing) -> {
            recorder.batchCompleted(size, timing);
            if (gated.get()) {
                gate.batchCompleted(size, timing);
            }
        };
        long oneSecond = TimeUnit.SECONDS.toNanos(1);
        try (DynamicBatcher batcher = new DynamicBatcher(
                "worker", mlp, new DynamicBatcher.Settings(8, 0, new int[0], 0, 1, oneSecond), listener)) {
            batcher.submit(row(0), OUTPUTS, 1).get(10, TimeUnit.SECONDS);
            gated.set(true);
            // Runs inline on another thread and holds the only instance until released.
            CompletableFuture<DynamicBatcher.Completion> holder = CompletableFuture.supplyAsync(
                            () -> batcher.submit(row(1), OUTPUTS, 1),
                            runnable -> Thread.ofPlatform().name("holder").start(runnable))
                    .thenCompose(future -> future);
            assertThat(gate.inFirstBatch.await(10, TimeUnit.SECONDS)).isTrue();
            gated.set(false);
            CompletableFuture<DynamicBatcher.Completion> second = batcher.submit(row(2), OUTPUTS, 1);
            CompletableFuture<DynamicBatcher.Completion> third = batcher.submit(row(3), OUTPUTS, 1);
            assertThat(second).isNotDone();
            assertThat(batcher.queueDepth()).isEqualTo(2);
            gate.release.countDown();
            holder.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
            third.get(10, TimeUnit.SECONDS);
        }
        assertThat(recorder.threads).containsExactly("worker-0", "holder", "worker-0");
        assertThat(gate.batchSizes).containsExactly(1);
    }

    @Test
    void aRequestWhoseTimeoutPassesInTheQueueFailsInsteadOfRunning() throws Exception {
        GatedListener listener = new GatedListener();
        try (DynamicBatcher batcher =
                new DynamicBatcher("test", mlp, new DynamicBatcher.Settings(8, 0, new int[0], 0, 1, 0), listener)) {
            CompletableFuture<DynamicBatcher.Completion> running = batcher.submit(row(0), OUTPUTS, 1);
            assertThat(listener.inFirstBatch.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<DynamicBatcher.Completion> hurried =
                    batcher.submit(row(1), OUTPUTS, 1, java.time.Duration.ofMillis(1));
            CompletableFuture<DynamicBatcher.Completion> patient =
                    batcher.submit(row(2), OUTPUTS, 1, java.time.Duration.ofMinutes(1));
            Thread.sleep(20);
            listener.release.countDown();

            running.get(10, TimeUnit.SECONDS);
            assertThat(patient.get(10, TimeUnit.SECONDS).outputs()).containsKey("probabilities");
            assertThatThrownBy(() -> hurried.get(10, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(InferenceException.class)
                    .hasMessage("the request's timeout of 1000 µs passed while it waited for the model")
                    .satisfies(e ->
                            assertThat(((InferenceException) e).kind()).isEqualTo(InferenceException.Kind.UNAVAILABLE));
        }
        assertThat(listener.batchSizes).containsExactly(1, 1);
    }
}

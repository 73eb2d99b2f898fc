package io.fogline.learn.model;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.Supplier;

/**
 * Splits a kernel's output range among the common pool's workers and the caller. Each worker writes its own disjoint
 * slice and the arithmetic per element is the same however the range is cut, so results are bit-for-bit identical for
 * any number of threads: training stays reproducible from its seed.
 */
public final class Parallel {

    /** Below this many multiply-adds the hand-off costs more than it saves. */
    private static final long MIN_PARALLEL_WORK = 1 << 17;

    private static final int WORKERS = Math.max(1, ForkJoinPool.getCommonPoolParallelism() + 1);

    /** Set while a thread's kernels must run on it alone. */
    private static final ThreadLocal<Boolean> CONFINED = ThreadLocal.withInitial(() -> false);

    @FunctionalInterface
    interface RangeTask {
        void run(int from, int to);
    }

    private Parallel() {}

    /**
     * Runs {@code work} with every kernel it calls on the calling thread only: how a node trains in the background
     * without taking the cores its inference runs on.
     */
    public static <T> T onThisThreadOnly(Supplier<T> work) {
        boolean was = CONFINED.get();
        CONFINED.set(true);
        try {
            return work.get();
        } finally {
            CONFINED.set(was);
        }
    }

    static void forRange(int count, long work, RangeTask task) {
        int slices = work < MIN_PARALLEL_WORK || CONFINED.get() ? 1 : Math.min(WORKERS, count);
        if (slices <= 1) {
            task.run(0, count);
            return;
        }
        ForkJoinTask<?>[] others = new ForkJoinTask<?>[slices - 1];
        for (int s = 1; s < slices; s++) {
            int from = sliceStart(count, slices, s);
            int to = sliceStart(count, slices, s + 1);
            others[s - 1] = ForkJoinPool.commonPool().submit(() -> task.run(from, to));
        }
        task.run(0, sliceStart(count, slices, 1));
        for (ForkJoinTask<?> other : others) {
            other.join();
        }
    }

    private static int sliceStart(int count, int slices, int slice) {
        return (int) ((long) count * slice / slices);
    }
}

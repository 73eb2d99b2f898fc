package io.fogline.node.ota;

import io.fogline.learn.model.Parallel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Where a node trains: one platform thread at the lowest priority, whose training kernels run on it alone, so that a
 * round of local training leaves the other cores to inference instead of filling the common pool beside it.
 */
public final class TrainingThread {

    private TrainingThread() {}

    /** The single background thread training runs on. */
    public static ExecutorService start() {
        return Executors.newSingleThreadExecutor(Thread.ofPlatform()
                .name("fogline-federated")
                .priority(Thread.MIN_PRIORITY)
                .daemon()
                .factory());
    }

    /** Runs training work with its kernels confined to the calling thread. */
    public static <T> T confined(Supplier<T> work) {
        return Parallel.onThisThreadOnly(work);
    }
}

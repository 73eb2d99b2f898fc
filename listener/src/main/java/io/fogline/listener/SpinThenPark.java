package io.fogline.listener;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.util.function.LongSupplier;

/**
 * An event loop's choice between polling its sockets and blocking on them: after it last had work it keeps polling for
 * a short while, then blocks.
 *
 * <p>Why: a loop that blocks in {@code epoll_wait} lets its core halt, and on a virtual machine a halted core is woken
 * through the host (an interrupt, an exit to the hypervisor, the host scheduling the virtual CPU again): microseconds
 * that a lone client pays on every request, and many more on a busy host. A client that has just been answered usually
 * sends its next request within the window, so polling for it costs less than waking for it. Each poll returns to the
 * loop, so tasks handed to it from other threads (answers from a model's worker) still run as soon as they come.
 *
 * <p>One instance per event loop: it keeps that loop's idle time.
 */
final class SpinThenPark implements SelectStrategy {
    private static final long WORKING = Long.MIN_VALUE;

    private final long spinNanos;
    private final LongSupplier clock;
    private long idleSince = WORKING;

    SpinThenPark(long spinNanos, LongSupplier clock) {
        this.spinNanos = spinNanos;
        this.clock = clock;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        int ready = selectNow.get();
        if (ready > 0 || hasTasks) {
            idleSince = WORKING;
            return ready;
        }
        long now = clock.getAsLong();
        if (idleSince == WORKING) {
            idleSince = now;
        }
        if (now - idleSince < spinNanos) {
            Thread.onSpinWait();
            return SelectStrategy.CONTINUE;
        }
        idleSince = WORKING;
        return SelectStrategy.SELECT;
    }
}

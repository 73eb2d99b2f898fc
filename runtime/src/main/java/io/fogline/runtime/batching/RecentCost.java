package io.fogline.runtime.batching;

/**
 * What a model's executions typically cost of late: the median of the last {@value #WINDOW} runs' compute times.
 *
 * <p>The times are wall clock, and on a loaded machine a run the scheduler preempts takes milliseconds that are not
 * the model's. A moving average took each such run in (one 5 ms preemption moved it by 600 µs), so under load a
 * cheap model looked expensive and lone requests left the inline path for two thread hops, which made the load worse.
 * The median ignores runs preempted less often than every other one. The thread's CPU time would ignore preemption
 * entirely, but reading it costs a system call per run (1.2–2.9 µs a call measured at load 12, against a 45 µs
 * budget for the whole request).
 *
 * <p>The runs are kept sorted as they come, the one leaving the window taken out and the new one put in its place: a
 * copy and {@link java.util.Arrays#sort} per run was 0.5-0.7% of the event loop's CPU time serving the tiny MLP inline
 * to one client (JFR).
 */
final class RecentCost {

    static final int WINDOW = 15;

    /** The last runs in the order they came, a ring whose oldest is at {@link #next} once full. */
    private final long[] recent = new long[WINDOW];
    /** The same runs in ascending order. */
    private final long[] sorted = new long[WINDOW];

    private int next;
    private int filled;
    private volatile long typicalNanos = Long.MAX_VALUE;

    /** Counts one execution; several threads may run the model's executions at once. */
    synchronized void record(long nanos) {
        int size = filled;
        if (size == WINDOW) {
            int leaving = 0;
            while (sorted[leaving] != recent[next]) {
                leaving++;
            }
            System.arraycopy(sorted, leaving + 1, sorted, leaving, size - leaving - 1);
            size--;
        }
        int at = size;
        while (at > 0 && sorted[at - 1] > nanos) {
            sorted[at] = sorted[at - 1];
            at--;
        }
        sorted[at] = nanos;
        recent[next] = nanos;
        next = (next + 1) % WINDOW;
        filled = size + 1;
        typicalNanos = sorted[filled / 2];
    }

    /** The median of the recent runs; {@link Long#MAX_VALUE} (unknown, so never cheap) until one has run. */
    long typicalNanos() {
        return typicalNanos;
    }
}

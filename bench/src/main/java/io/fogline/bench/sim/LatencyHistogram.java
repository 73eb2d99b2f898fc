package io.fogline.bench.sim;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies counted into fixed buckets, so thousands of virtual devices record without a lock or an allocation: 10 µs
 * wide up to 100 ms, 1 ms wide up to 10 s, and one bucket above. Percentiles are read as a bucket's upper edge.
 */
final class LatencyHistogram {

    private static final int FINE = 10_000;
    private static final int COARSE = 9_900;
    private static final int BUCKETS = FINE + COARSE + 1;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void record(long nanos) {
        counts.incrementAndGet(bucketOf(nanos / 1000));
    }

    /** The counts so far, which start again from zero; a recording that races this lands in one or the other. */
    long[] drain() {
        long[] taken = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            taken[i] = counts.getAndSet(i, 0);
        }
        return taken;
    }

    static long[] empty() {
        return new long[BUCKETS];
    }

    static void add(long[] into, long[] from) {
        for (int i = 0; i < BUCKETS; i++) {
            into[i] += from[i];
        }
    }

    static long total(long[] counts) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return total;
    }

    /** The latency in milliseconds below which {@code quantile} of the counts fall; 0 when there are none. */
    static double percentileMillis(long[] counts, double quantile) {
        long total = total(counts);
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= Math.max(1, rank)) {
                return upperEdgeMicros(i) / 1000.0;
            }
        }
        return upperEdgeMicros(BUCKETS - 1) / 1000.0;
    }

    static int bucketOf(long micros) {
        if (micros < 0) {
            return 0;
        }
        if (micros < FINE * 10L) {
            return (int) (micros / 10);
        }
        long coarse = (micros - FINE * 10L) / 1000;
        return (int) Math.min(FINE + coarse, BUCKETS - 1);
    }

    private static long upperEdgeMicros(int bucket) {
        return bucket < FINE ? (bucket + 1) * 10L : FINE * 10L + (bucket - FINE + 1) * 1000L;
    }
}

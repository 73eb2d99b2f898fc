package io.fogline.core.telemetry;

import java.util.Map;
import java.util.TreeMap;

/**
 * Latencies counted in fixed logarithmic buckets, the same on every node and every version, so that histograms of
 * different windows and devices merge by adding counts and any quantile can be read afterwards. Bucket {@code i}
 * holds latencies up to {@link #upperBoundMs(int)}: 10 µs times 2^(i/4), so a quantile read as its bucket's upper
 * bound is at most 19% above the true value; the last bucket takes everything beyond about 100 s.
 *
 * @param buckets count per bucket index, only the buckets that are not empty
 */
public record LatencyHistogram(Map<Integer, Long> buckets) {

    public static final double FIRST_BOUND_MS = 0.01;
    public static final int BUCKETS = 94;

    public static final LatencyHistogram EMPTY = new LatencyHistogram(Map.of());

    public LatencyHistogram {
        for (Map.Entry<Integer, Long> bucket : buckets.entrySet()) {
            if (bucket.getKey() < 0 || bucket.getKey() >= BUCKETS) {
                throw new IllegalArgumentException(
                        "latency bucket " + bucket.getKey() + " is outside 0.." + (BUCKETS - 1));
            }
            if (bucket.getValue() < 0) {
                throw new IllegalArgumentException("latency bucket " + bucket.getKey() + " has a negative count");
            }
        }
        buckets = Map.copyOf(buckets);
    }

    public static int bucketOf(double millis) {
        if (!(millis > FIRST_BOUND_MS)) {
            return 0;
        }
        int index = (int) Math.min(BUCKETS - 1, Math.ceil(4 * Math.log(millis / FIRST_BOUND_MS) / Math.log(2)));
        // The logarithm may land a hair off at a bound: settle on the first bucket whose bound holds the value.
        while (index < BUCKETS - 1 && upperBoundMs(index) < millis) {
            index++;
        }
        while (index > 0 && upperBoundMs(index - 1) >= millis) {
            index--;
        }
        return index;
    }

    public static double upperBoundMs(int bucket) {
        return FIRST_BOUND_MS * Math.pow(2, bucket / 4.0);
    }

    /** A histogram of counts indexed by bucket, as a recorder keeps them. */
    public static LatencyHistogram of(long[] counts) {
        Map<Integer, Long> buckets = new TreeMap<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                buckets.put(i, counts[i]);
            }
        }
        return new LatencyHistogram(buckets);
    }

    public long count() {
        return buckets.values().stream().mapToLong(Long::longValue).sum();
    }

    public LatencyHistogram merge(LatencyHistogram other) {
        Map<Integer, Long> sum = new TreeMap<>(buckets);
        other.buckets.forEach((bucket, count) -> sum.merge(bucket, count, Long::sum));
        return new LatencyHistogram(sum);
    }

    /** The upper bound of the bucket that holds the {@code q} quantile, or NaN when nothing was counted. */
    public double quantileMs(double q) {
        long total = count();
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (Map.Entry<Integer, Long> bucket : new TreeMap<>(buckets).entrySet()) {
            seen += bucket.getValue();
            if (seen >= Math.max(1, rank)) {
                return upperBoundMs(bucket.getKey());
            }
        }
        return upperBoundMs(BUCKETS - 1);
    }
}

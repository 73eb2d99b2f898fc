package io.fogline.bench.serving;

import java.util.Arrays;
import java.util.List;

/**
 * What one measured window gave: exact latency percentiles over every request completed in it, and throughput as
 * completions per second of the window.
 */
record LoadResult(int clients, long completed, double seconds, long p50Nanos, long p99Nanos) {

    static LoadResult of(int clients, long[] latenciesNanos, double seconds) {
        long[] sorted = latenciesNanos.clone();
        Arrays.sort(sorted);
        return new LoadResult(clients, sorted.length, seconds, percentile(sorted, 0.50), percentile(sorted, 0.99));
    }

    /** The figure-by-figure median of repeated windows, which keeps one disturbed window from setting a figure. */
    static LoadResult median(List<LoadResult> repetitions) {
        LoadResult middle = repetitions.get(0);
        return new LoadResult(
                middle.clients,
                median(repetitions.stream().mapToLong(LoadResult::completed).toArray()),
                middle.seconds,
                median(repetitions.stream().mapToLong(LoadResult::p50Nanos).toArray()),
                median(repetitions.stream().mapToLong(LoadResult::p99Nanos).toArray()));
    }

    double requestsPerSecond() {
        return completed / seconds;
    }

    double p50Micros() {
        return p50Nanos / 1_000.0;
    }

    double p99Micros() {
        return p99Nanos / 1_000.0;
    }

    /** Nearest-rank percentile: the smallest latency that at least {@code fraction} of the requests did not exceed. */
    private static long percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }
}

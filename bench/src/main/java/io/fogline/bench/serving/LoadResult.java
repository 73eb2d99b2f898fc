package io.fogline.bench.serving;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one measured window gave: exact latency percentiles over every request completed in it, throughput as
 * completions per second of the window, the CPU time spent per request by thread group, and for requests served by
 * the node, where their time went inside it.
 *
 * @param node the node's own account of the window, or null when the node served none of it
 */
record LoadResult(
        int clients,
        long completed,
        double seconds,
        long meanNanos,
        long p50Nanos,
        long p99Nanos,
        Map<String, Double> cpuMicrosPerRequest,
        NodeTimes node) {

    static LoadResult of(int clients, long[] latenciesNanos, double seconds) {
        long[] sorted = latenciesNanos.clone();
        Arrays.sort(sorted);
        long mean =
                sorted.length == 0 ? 0 : (long) Arrays.stream(sorted).average().orElse(0);
        return new LoadResult(
                clients,
                sorted.length,
                seconds,
                mean,
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                Map.of(),
                null);
    }

    /** This result with what else was measured over its window: CPU time in nanoseconds by thread group, node times. */
    LoadResult withWindow(Map<String, Long> cpuNanos, NodeTimes nodeTimes) {
        Map<String, Double> perRequest = new LinkedHashMap<>();
        cpuNanos.forEach((group, nanos) -> perRequest.put(group, completed == 0 ? 0 : nanos / 1_000.0 / completed));
        return new LoadResult(clients, completed, seconds, meanNanos, p50Nanos, p99Nanos, perRequest, nodeTimes);
    }

    /** The figure-by-figure median of repeated windows, which keeps one disturbed window from setting a figure. */
    static LoadResult median(List<LoadResult> repetitions) {
        LoadResult first = repetitions.getFirst();
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (String group : first.cpuMicrosPerRequest.keySet()) {
            cpu.put(
                    group,
                    median(repetitions.stream()
                            .mapToDouble(result -> result.cpuMicrosPerRequest.getOrDefault(group, 0.0))
                            .toArray()));
        }
        return new LoadResult(
                first.clients,
                (long) median(
                        repetitions.stream().mapToDouble(LoadResult::completed).toArray()),
                first.seconds,
                (long) median(
                        repetitions.stream().mapToDouble(LoadResult::meanNanos).toArray()),
                (long) median(
                        repetitions.stream().mapToDouble(LoadResult::p50Nanos).toArray()),
                (long) median(
                        repetitions.stream().mapToDouble(LoadResult::p99Nanos).toArray()),
                cpu,
                first.node == null
                        ? null
                        : NodeTimes.median(
                                repetitions.stream().map(LoadResult::node).toList()));
    }

    double requestsPerSecond() {
        return completed / seconds;
    }

    double meanMicros() {
        return meanNanos / 1_000.0;
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

    /** The middle value; of an even count, the lower of the two middle ones. */
    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }
}

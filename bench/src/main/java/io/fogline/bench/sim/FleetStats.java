package io.fogline.bench.sim;

import java.util.concurrent.atomic.LongAdder;

/** What the virtual devices did, counted as they go: polls and their latency, reports, downloads, switches. */
final class FleetStats {

    final LatencyHistogram pollLatency = new LatencyHistogram();
    final LatencyHistogram reportLatency = new LatencyHistogram();
    final LatencyHistogram telemetryLatency = new LatencyHistogram();
    final LongAdder polls = new LongAdder();
    final LongAdder notModified = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder reports = new LongAdder();
    final LongAdder downloadedBytes = new LongAdder();
    final LongAdder switches = new LongAdder();
    final LongAdder telemetryBatches = new LongAdder();

    void polled(long nanos, int status) {
        polls.increment();
        if (status == 304) {
            notModified.increment();
        }
        pollLatency.record(nanos);
    }

    void failed() {
        failures.increment();
    }

    void reported(long nanos) {
        reports.increment();
        reportLatency.record(nanos);
    }

    void downloaded(long bytes) {
        downloadedBytes.add(bytes);
    }

    void uploaded(long nanos) {
        telemetryBatches.increment();
        telemetryLatency.record(nanos);
    }

    void switched() {
        switches.increment();
    }
}

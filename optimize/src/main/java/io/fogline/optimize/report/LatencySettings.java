package io.fogline.optimize.report;

/**
 * How latency is measured: single-sample runs cycling through the samples, the models interleaved run by run (in a
 * fresh random order each round) so that background load and cache effects hit them alike, the median reported.
 *
 * @param intraOpThreads ONNX Runtime's threads per run; 1 is what a small edge device gives one model
 * @param warmupRuns runs per model before timing starts
 * @param runs timed runs per model
 */
public record LatencySettings(int intraOpThreads, int warmupRuns, int runs) {

    public LatencySettings {
        if (intraOpThreads < 1 || warmupRuns < 0 || runs < 1) {
            throw new IllegalArgumentException("threads and runs must be positive, warm-up runs not negative");
        }
    }

    public static LatencySettings defaults() {
        return new LatencySettings(1, 20, 200);
    }
}

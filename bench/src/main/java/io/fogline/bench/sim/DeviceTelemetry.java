package io.fogline.bench.sim;

import io.fogline.core.telemetry.LatencyHistogram;
import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.RequestCount;
import io.fogline.core.telemetry.TelemetryBatch;
import io.fogline.core.telemetry.TelemetryWindow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The telemetry a simulated device uploads: one window per upload for each model it runs, its request count, errors,
 * escalations and latency drawn at random around what a small edge model does (a few milliseconds, a long tail), the
 * shape a node's outbox sends. No drift detail: the simulator loads the control plane's telemetry path, not its PSI.
 */
final class DeviceTelemetry {

    private DeviceTelemetry() {}

    static TelemetryBatch batch(Map<String, Long> running, Instant start, Instant end, RandomGenerator random) {
        long seconds = Math.max(1, end.getEpochSecond() - start.getEpochSecond());
        List<ModelWindow> models = running.entrySet().stream()
                .map(model -> window(model.getKey(), model.getValue(), seconds, random))
                .toList();
        return new TelemetryBatch(
                UUID.randomUUID().toString(), List.of(TelemetryWindow.of(start, end, seconds, models)), List.of());
    }

    private static ModelWindow window(String model, long version, long seconds, RandomGenerator random) {
        long requests = seconds * (1 + random.nextInt(4));
        long escalated = Math.round(requests * 0.05 * random.nextDouble(0.5, 1.5));
        long failed = random.nextInt(100) == 0 ? 1 : 0;
        long[] latency = new long[LatencyHistogram.BUCKETS];
        for (long i = 0; i < requests; i++) {
            double millis = Math.exp(random.nextGaussian(Math.log(3), 0.4));
            latency[LatencyHistogram.bucketOf(millis)]++;
        }
        return new ModelWindow(
                model,
                String.valueOf(version),
                failed == 0
                        ? List.of(
                                new RequestCount("local", RequestCount.OK, requests - escalated),
                                new RequestCount("fog", RequestCount.OK, escalated))
                        : List.of(
                                new RequestCount("local", RequestCount.OK, requests - escalated - failed),
                                new RequestCount("fog", RequestCount.OK, escalated),
                                new RequestCount("none", "internal", failed)),
                LatencyHistogram.of(latency),
                LatencyHistogram.EMPTY,
                2,
                Map.of("max_probability_below", escalated),
                0,
                0,
                escalated * 3_200,
                requests * 3_200,
                Map.of(),
                Map.of(),
                null);
    }
}

package io.fogline.control;

import io.fogline.core.telemetry.LatencyHistogram;
import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.RequestCount;
import io.fogline.core.telemetry.TelemetryBatch;
import io.fogline.core.telemetry.TelemetryJson;
import io.fogline.core.telemetry.TelemetryWindow;
import io.fogline.core.telemetry.ValueHistogram;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Telemetry batches as a node sends them, with chosen figures. */
final class TelemetryBatches {

    private TelemetryBatches() {}

    /**
     * A minute's window of model {@code fashion} version 1.
     *
     * @param latencyMs the latency of every request
     * @param input counts of input "x" on the edges 0, 0.5, 1 (below, two bins, above), or null
     */
    static ModelWindow window(long ok, long errors, long escalations, double latencyMs, long[] input) {
        List<RequestCount> requests = new ArrayList<>();
        requests.add(new RequestCount("local", "ok", ok));
        if (errors > 0) {
            requests.add(new RequestCount("none", "internal", errors));
        }
        long[] buckets = new long[LatencyHistogram.BUCKETS];
        buckets[LatencyHistogram.bucketOf(latencyMs)] = ok;
        Map<String, ValueHistogram> inputs = input == null
                ? Map.of()
                : Map.of("x", new ValueHistogram(new double[] {0, 0.5, 1}, input, sum(input), 0, 0, 0, 1));
        return new ModelWindow(
                "fashion",
                "1",
                requests,
                LatencyHistogram.of(buckets),
                null,
                0,
                escalations == 0 ? Map.of() : Map.of("max_probability_below", escalations),
                0,
                0,
                0,
                (ok + errors) * 100,
                inputs,
                null,
                null);
    }

    static byte[] batch(Instant end, ModelWindow... windows) {
        List<TelemetryWindow> list = new ArrayList<>();
        for (ModelWindow window : windows) {
            list.add(TelemetryWindow.of(end.minusSeconds(60), end, 60, List.of(window)));
        }
        return TelemetryJson.write(new TelemetryBatch(UUID.randomUUID().toString(), list, List.of()));
    }

    private static long sum(long[] counts) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return total;
    }
}

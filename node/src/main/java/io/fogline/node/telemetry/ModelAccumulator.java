package io.fogline.node.telemetry;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.telemetry.LatencyHistogram;
import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.PredictedClasses;
import io.fogline.core.telemetry.RequestCount;
import io.fogline.core.telemetry.ValueHistogram;
import io.fogline.core.tensor.Tensor;
import io.fogline.core.tensor.TensorValues;
import io.fogline.routing.score.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One model version's figures in the current window: not thread-safe, only the recorder's tick touches it. */
final class ModelAccumulator {

    private final String model;
    private final String version;
    private final ReferenceBins.Edges edges;
    private final Map<String, long[]> requests = new LinkedHashMap<>();
    private final long[] latency = new long[LatencyHistogram.BUCKETS];
    private final long[] queue = new long[LatencyHistogram.BUCKETS];
    private final Map<String, Long> escalations = new TreeMap<>();
    private final Map<String, ValueAccumulator> inputs = new TreeMap<>();
    private final Map<String, ValueAccumulator> outputs = new TreeMap<>();
    private long queueDepthMax;
    private long cacheHits;
    private long degraded;
    private long bytesUpstream;
    private long bytesCloudOnly;
    private long[] classes = new long[0];

    String model() {
        return model;
    }

    ModelAccumulator(String model, String version, ReferenceBins.Edges edges) {
        this.model = model;
        this.version = version;
        this.edges = edges;
    }

    /** Counts a request that was answered, by the tier, escalation and cache its answer names. */
    void succeeded(
            String tier, Object escalation, boolean cached, boolean degraded, long requestBytes, long requestNanos) {
        count(tier, RequestCount.OK);
        latency[LatencyHistogram.bucketOf(requestNanos / 1e6)]++;
        bytesCloudOnly += requestBytes;
        if (cached) {
            cacheHits++;
        } else if (escalation != null && !Verdict.NONE.equals(escalation)) {
            escalations.merge(String.valueOf(escalation), 1L, Long::sum);
            // The request went to a parent, answered or not: a cloud-only design would have sent it too.
            bytesUpstream += requestBytes;
        }
        if (degraded) {
            this.degraded++;
        }
    }

    /** Adds the values of a request's inputs and its answer's outputs to the drift histograms and class counts. */
    void sampled(InferenceRequest request, InferenceResponse response) {
        for (Tensor input : request.inputs()) {
            observe(inputs, edges.inputs(), input);
        }
        boolean classesCounted = false;
        for (Tensor output : response.outputs()) {
            double[] values = observe(outputs, edges.outputs(), output);
            classesCounted = classesCounted || countClasses(output, values);
        }
    }

    void failed(String reason) {
        count("none", reason);
    }

    void queued(long queueNanos) {
        queue[LatencyHistogram.bucketOf(queueNanos / 1e6)]++;
    }

    void queueDepth(int depth) {
        queueDepthMax = Math.max(queueDepthMax, depth);
    }

    private void count(String tier, String outcome) {
        requests.computeIfAbsent(tier + '\u0000' + outcome, key -> new long[1])[0]++;
    }

    /** @return the tensor's elements widened to doubles, or null for a tensor that is not numeric */
    private static double[] observe(Map<String, ValueAccumulator> into, Map<String, double[]> edges, Tensor tensor) {
        if (!TensorValues.isNumeric(tensor.datatype())) {
            return null;
        }
        double[] values = TensorValues.of(tensor);
        into.computeIfAbsent(tensor.name(), name -> new ValueAccumulator(edges.get(name)))
                .add(values);
        return values;
    }

    /** Counts the predicted classes of the first output that holds class scores. */
    private boolean countClasses(Tensor output, double[] values) {
        if (values == null) {
            return false;
        }
        int width = PredictedClasses.width(output);
        if (classes.length == 0 && width > 0) {
            classes = new long[width];
        }
        if (width == 0 || width != classes.length) {
            return false;
        }
        PredictedClasses.count(values, classes);
        return true;
    }

    ModelWindow snapshot() {
        List<RequestCount> counts = new ArrayList<>();
        requests.forEach((key, count) -> {
            int split = key.indexOf('\u0000');
            counts.add(new RequestCount(key.substring(0, split), key.substring(split + 1), count[0]));
        });
        return new ModelWindow(
                model,
                version,
                counts,
                LatencyHistogram.of(latency),
                LatencyHistogram.of(queue),
                queueDepthMax,
                escalations,
                cacheHits,
                degraded,
                bytesUpstream,
                bytesCloudOnly,
                snapshots(inputs),
                snapshots(outputs),
                classes);
    }

    private static Map<String, ValueHistogram> snapshots(Map<String, ValueAccumulator> all) {
        Map<String, ValueHistogram> copies = new TreeMap<>();
        all.forEach((name, values) -> {
            if (!values.isEmpty()) {
                copies.put(name, values.snapshot());
            }
        });
        return copies;
    }
}

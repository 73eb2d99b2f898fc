package io.fogline.core.telemetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BinaryOperator;

/**
 * What one model version did on a node during a window. Everything here adds up across windows and devices: counts,
 * histograms on fixed buckets or shared bins, maxima. Raw inputs never appear, only their histograms.
 *
 * @param latencyMs end-to-end request time at the node
 * @param queueMs time waited in the batching queue
 * @param queueDepthMax most requests seen waiting in the model's queue
 * @param escalations answers a rule wanted from a parent, by rule
 * @param cacheHits answers from the exact cache
 * @param degraded answers given locally because no parent answered
 * @param bytesUpstream request bytes sent to parent tiers
 * @param bytesCloudOnly request bytes that a design sending every request to the cloud would have sent
 * @param inputs per input tensor; empty once the window has lost its detail to the outbox's cap
 * @param outputs per numeric output tensor, likewise
 * @param classes answers per predicted class (the arg-max of the class scores), likewise
 * @param groundTruth labels clients gave during the window for earlier answers of this version (a row each)
 * @param correct how many of those the version had answered right: live accuracy is {@code correct / groundTruth}
 */
public record ModelWindow(
        String model,
        String version,
        List<RequestCount> requests,
        LatencyHistogram latencyMs,
        LatencyHistogram queueMs,
        long queueDepthMax,
        Map<String, Long> escalations,
        long cacheHits,
        long degraded,
        long bytesUpstream,
        long bytesCloudOnly,
        Map<String, ValueHistogram> inputs,
        Map<String, ValueHistogram> outputs,
        long[] classes,
        Long groundTruth,
        Long correct) {

    public ModelWindow {
        if (model == null || model.isEmpty() || version == null) {
            throw new IllegalArgumentException("a model window needs a model and a version");
        }
        requests = List.copyOf(requests);
        latencyMs = latencyMs == null ? LatencyHistogram.EMPTY : latencyMs;
        queueMs = queueMs == null ? LatencyHistogram.EMPTY : queueMs;
        escalations = escalations == null ? Map.of() : Map.copyOf(escalations);
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
        outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
        classes = classes == null ? new long[0] : classes.clone();
        // Boxed so that a window from a node that predates ground truth, which lacks both, reads as none.
        groundTruth = groundTruth == null ? 0L : groundTruth;
        correct = correct == null ? 0L : correct;
        if (correct < 0 || groundTruth < correct) {
            throw new IllegalArgumentException(
                    "a window's correct answers must be 0 to its ground truth " + groundTruth + ", got " + correct);
        }
    }

    /** A window without ground truth, as nodes sent before they took it. */
    public ModelWindow(
            String model,
            String version,
            List<RequestCount> requests,
            LatencyHistogram latencyMs,
            LatencyHistogram queueMs,
            long queueDepthMax,
            Map<String, Long> escalations,
            long cacheHits,
            long degraded,
            long bytesUpstream,
            long bytesCloudOnly,
            Map<String, ValueHistogram> inputs,
            Map<String, ValueHistogram> outputs,
            long[] classes) {
        this(
                model,
                version,
                requests,
                latencyMs,
                queueMs,
                queueDepthMax,
                escalations,
                cacheHits,
                degraded,
                bytesUpstream,
                bytesCloudOnly,
                inputs,
                outputs,
                classes,
                0L,
                0L);
    }

    /** The same figures counted as {@code other}'s, so that windows of several versions sum as one. */
    public ModelWindow withVersion(String other) {
        return copy(model, other, groundTruth, correct);
    }

    /** The same figures counted as another model's version, so that windows of several models sum as one. */
    public ModelWindow as(String otherModel, String otherVersion) {
        return copy(otherModel, otherVersion, groundTruth, correct);
    }

    /** This window with {@code labelled} more ground truth, {@code right} of it answered right. */
    public ModelWindow withGroundTruth(long labelled, long right) {
        return copy(model, version, groundTruth + labelled, correct + right);
    }

    private ModelWindow copy(String newModel, String newVersion, long newGroundTruth, long newCorrect) {
        return new ModelWindow(
                newModel,
                newVersion,
                requests,
                latencyMs,
                queueMs,
                queueDepthMax,
                escalations,
                cacheHits,
                degraded,
                bytesUpstream,
                bytesCloudOnly,
                inputs,
                outputs,
                classes,
                newGroundTruth,
                newCorrect);
    }

    public String key() {
        return model + '\u0000' + version;
    }

    public long requestTotal() {
        return requests.stream().mapToLong(RequestCount::count).sum();
    }

    public long errorTotal() {
        return requests.stream()
                .filter(r -> !r.ok())
                .mapToLong(RequestCount::count)
                .sum();
    }

    public long escalationTotal() {
        return escalations.values().stream().mapToLong(Long::longValue).sum();
    }

    public boolean hasDetail() {
        return !inputs.isEmpty() || !outputs.isEmpty() || classes.length > 0;
    }

    /** This window without the drift statistics: what the outbox drops before it drops any count. */
    public ModelWindow withoutDetail() {
        return new ModelWindow(
                model,
                version,
                requests,
                latencyMs,
                queueMs,
                queueDepthMax,
                escalations,
                cacheHits,
                degraded,
                bytesUpstream,
                bytesCloudOnly,
                Map.of(),
                Map.of(),
                new long[0],
                groundTruth,
                correct);
    }

    /** The sum of two windows of the same model version. */
    public ModelWindow merge(ModelWindow other) {
        if (!key().equals(other.key())) {
            throw new IllegalArgumentException("cannot merge windows of different model versions");
        }
        Map<String, RequestCount> counts = new LinkedHashMap<>();
        for (RequestCount count : requests) {
            counts.merge(count.tier() + '\u0000' + count.outcome(), count, ModelWindow::add);
        }
        for (RequestCount count : other.requests) {
            counts.merge(count.tier() + '\u0000' + count.outcome(), count, ModelWindow::add);
        }
        return new ModelWindow(
                model,
                version,
                new ArrayList<>(counts.values()),
                latencyMs.merge(other.latencyMs),
                queueMs.merge(other.queueMs),
                Math.max(queueDepthMax, other.queueDepthMax),
                mergeMaps(escalations, other.escalations, Long::sum),
                cacheHits + other.cacheHits,
                degraded + other.degraded,
                bytesUpstream + other.bytesUpstream,
                bytesCloudOnly + other.bytesCloudOnly,
                mergeMaps(inputs, other.inputs, ValueHistogram::merge),
                mergeMaps(outputs, other.outputs, ValueHistogram::merge),
                addClasses(classes, other.classes),
                groundTruth + other.groundTruth,
                correct + other.correct);
    }

    private static RequestCount add(RequestCount a, RequestCount b) {
        return new RequestCount(a.tier(), a.outcome(), a.count() + b.count());
    }

    private static <V> Map<String, V> mergeMaps(Map<String, V> a, Map<String, V> b, BinaryOperator<V> merge) {
        Map<String, V> sum = new TreeMap<>(a);
        b.forEach((key, value) -> sum.merge(key, value, merge));
        return sum;
    }

    private static long[] addClasses(long[] a, long[] b) {
        long[] sum = Arrays.copyOf(a, Math.max(a.length, b.length));
        for (int i = 0; i < b.length; i++) {
            sum[i] += b[i];
        }
        return sum;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelWindow that
                && model.equals(that.model)
                && version.equals(that.version)
                && requests.equals(that.requests)
                && latencyMs.equals(that.latencyMs)
                && queueMs.equals(that.queueMs)
                && queueDepthMax == that.queueDepthMax
                && escalations.equals(that.escalations)
                && cacheHits == that.cacheHits
                && degraded == that.degraded
                && bytesUpstream == that.bytesUpstream
                && bytesCloudOnly == that.bytesCloudOnly
                && inputs.equals(that.inputs)
                && outputs.equals(that.outputs)
                && Arrays.equals(classes, that.classes)
                && groundTruth.equals(that.groundTruth)
                && correct.equals(that.correct);
    }

    @Override
    public int hashCode() {
        return key().hashCode() * 31 + requests.hashCode();
    }
}

package io.fogline.optimize.report;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import io.fogline.optimize.samples.SampleSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Median single-sample latency of several models in ONNX Runtime, measured side by side. */
public final class LatencyProbe {

    private static final long ORDER_SEED = 0x5EED;

    private LatencyProbe() {}

    /** @return each model's median latency in milliseconds, in the order given */
    public static double[] medianMillis(List<Path> models, SampleSet samples, LatencySettings settings)
            throws OrtException {
        List<ModelSession> sessions = new ArrayList<>();
        List<Map<String, OnnxTensor>> inputs = new ArrayList<>();
        try {
            for (Path model : models) {
                sessions.add(new ModelSession(model, settings.intraOpThreads()));
            }
            int distinct = Math.min(samples.size(), settings.runs());
            for (int s = 0; s < distinct; s++) {
                inputs.add(ModelSession.tensors(samples.samples().get(s)));
            }
            for (int r = 0; r < settings.warmupRuns(); r++) {
                for (ModelSession session : sessions) {
                    session.time(inputs.get(r % distinct));
                }
            }
            long[][] times = new long[sessions.size()][settings.runs()];
            SplittableRandom random = new SplittableRandom(ORDER_SEED);
            int[] order = new int[sessions.size()];
            Arrays.setAll(order, m -> m);
            for (int r = 0; r < settings.runs(); r++) {
                // A run is faster or slower depending on which model ran just before it (what that one left in the
                // caches); a fresh random order each round gives every model every predecessor alike.
                shuffle(order, random);
                for (int m : order) {
                    times[m][r] = sessions.get(m).time(inputs.get(r % distinct));
                }
            }
            double[] medians = new double[sessions.size()];
            for (int m = 0; m < medians.length; m++) {
                medians[m] = median(times[m]) / 1e6;
            }
            return medians;
        } finally {
            inputs.forEach(ModelSession::close);
            for (ModelSession session : sessions) {
                session.close();
            }
        }
    }

    private static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }
}

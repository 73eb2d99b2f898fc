package io.fogline.optimize.report;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import io.fogline.optimize.samples.SampleSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Median single-sample latency of several models in ONNX Runtime, measured side by side. */
public final class LatencyProbe {

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
            for (int r = 0; r < settings.runs(); r++) {
                // Each round starts with the next model: running right after another model is measurably faster
                // (warm caches), and rotation gives every model every position equally often.
                for (int k = 0; k < sessions.size(); k++) {
                    int m = (r + k) % sessions.size();
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

    static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }
}

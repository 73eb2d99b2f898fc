package io.fogline.runtime.stats;

import io.fogline.runtime.onnx.OnnxModel;

/**
 * Hears what the runtime does, for a metrics system the runtime does not know. Called on inference threads: keep
 * implementations quick and thread-safe.
 */
public interface InferenceObserver {

    void requestCompleted(String model, String version, long queueNanos, OnnxModel.Timing timing);

    void batchExecuted(String model, String version, int batchSize, OnnxModel.Timing timing);

    void modelLoaded(String model, String version, long loadNanos);

    InferenceObserver NONE = new InferenceObserver() {
        @Override
        public void requestCompleted(String model, String version, long queueNanos, OnnxModel.Timing timing) {}

        @Override
        public void batchExecuted(String model, String version, int batchSize, OnnxModel.Timing timing) {}

        @Override
        public void modelLoaded(String model, String version, long loadNanos) {}
    };
}

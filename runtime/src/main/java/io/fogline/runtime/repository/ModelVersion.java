package io.fogline.runtime.repository;

import io.fogline.core.protocol.ModelMetadata;
import io.fogline.runtime.batching.DynamicBatcher;
import io.fogline.runtime.onnx.OnnxModel;
import io.fogline.runtime.stats.ModelStatistics;

/** One loaded version of a model: its session, its batcher, its statistics and the configuration it serves with. */
record ModelVersion(
        String version,
        ModelMetadata metadata,
        OnnxModel onnx,
        DynamicBatcher batcher,
        ModelStatistics statistics,
        ModelConfiguration configuration)
        implements AutoCloseable {

    @Override
    public void close() {
        try {
            batcher.close();
        } finally {
            onnx.close();
        }
    }
}

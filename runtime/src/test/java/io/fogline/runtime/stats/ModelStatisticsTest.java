package io.fogline.runtime.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.tensor.Tensor;
import io.fogline.runtime.onnx.OnnxModel;
import io.fogline.runtime.repository.ModelManager;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStatisticsTest {

    @TempDir
    Path repository;

    @Test
    void warmUpRunsAreNeitherExecutionsNorInferencesInStatisticsOrMetrics() throws Exception {
        TestRepository models = new TestRepository(repository);
        TinyModels.mlp(models.modelFile("mlp", 1), 4, 8, 3, 1);
        models.config("mlp", """
                {"warmup": [
                  {"name": "zeros", "inputs": {"input": {"datatype": "FP32", "shape": [1, 4], "zero_data": true}}},
                  {"name": "noise", "inputs": {"input": {"datatype": "FP32", "shape": [2, 4], "random_data": true}}}]}
                """);
        AtomicInteger executions = new AtomicInteger();
        InferenceObserver counting = new InferenceObserver() {
            @Override
            public void requestCompleted(String model, String version, long queueNanos, OnnxModel.Timing timing) {}

            @Override
            public void batchExecuted(String model, String version, int batchSize, OnnxModel.Timing timing) {
                executions.incrementAndGet();
            }

            @Override
            public void modelLoaded(String model, String version, long loadNanos) {}
        };
        try (ModelManager manager = new ModelManager(repository, counting)) {
            manager.load("mlp", null);

            ModelStatistics.Snapshot loaded = manager.statistics("mlp", "1").getFirst();
            assertThat(loaded.executionCount()).isZero();
            assertThat(loaded.inferenceCount()).isZero();
            assertThat(loaded.batchStats()).isEmpty();
            assertThat(executions).hasValue(0);

            manager.infer("mlp", null, InferenceRequest.of(Tensor.ofFloats("input", new long[] {1, 4}, 1, 2, 3, 4)))
                    .get(10, TimeUnit.SECONDS);

            ModelStatistics.Snapshot served = manager.statistics("mlp", "1").getFirst();
            assertThat(served.executionCount()).isEqualTo(1);
            assertThat(served.inferenceCount()).isEqualTo(1);
            assertThat(served.batchStats()).singleElement().satisfies(batch -> assertThat(batch.batchSize())
                    .isEqualTo(1));
            assertThat(executions).hasValue(1);
        }
    }
}

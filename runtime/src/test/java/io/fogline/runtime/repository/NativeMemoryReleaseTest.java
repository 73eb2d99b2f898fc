package io.fogline.runtime.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.tensor.Tensor;
import io.fogline.runtime.stats.InferenceObserver;
import io.fogline.runtime.stats.ProcessMemory;
import io.fogline.runtime.testing.TestModels;
import org.junit.jupiter.api.Test;

class NativeMemoryReleaseTest {

    /** Generous against allocator noise, yet far below the ~90 MB that each leaked MiniLM session would hold. */
    private static final long ALLOWED_GROWTH_BYTES = 96L * 1024 * 1024;

    @Test
    void fiftyLoadUnloadCyclesReturnResidentMemoryNearItsLevel() throws Exception {
        try (ModelManager models = new ModelManager(TestModels.minilm(), InferenceObserver.NONE)) {
            cycle(models);
            cycle(models);
            long baseline = ProcessMemory.residentBytes();
            for (int i = 0; i < 50; i++) {
                cycle(models);
            }
            long after = ProcessMemory.residentBytes();
            assertThat(after - baseline)
                    .as("resident memory grew from %d MB to %d MB", baseline >> 20, after >> 20)
                    .isLessThan(ALLOWED_GROWTH_BYTES);
        }
    }

    private static void cycle(ModelManager models) {
        models.load("minilm", null);
        long[] shape = {1, 6};
        models.infer(
                        "minilm",
                        null,
                        InferenceRequest.of(
                                Tensor.ofLongs("input_ids", shape, 101, 7592, 1010, 2088, 999, 102),
                                Tensor.ofLongs("attention_mask", shape, 1, 1, 1, 1, 1, 1),
                                Tensor.ofLongs("token_type_ids", shape, 0, 0, 0, 0, 0, 0)))
                .join();
        models.unload("minilm", 30);
        System.gc();
    }
}

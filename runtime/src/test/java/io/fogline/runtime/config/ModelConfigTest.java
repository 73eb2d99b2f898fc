package io.fogline.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelConfigTest {

    @Test
    void aConfigSilentOnInstancesRunsTwoBatchesAtOnceEachOnItsShareOfTheCores() {
        ModelConfig silent = ModelConfig.parse("{\"max_batch_size\": 16}");

        assertThat(silent.instanceCountOrDefault(2)).isEqualTo(2);
        assertThat(silent.intraOpThreadsOrDefault(2)).isEqualTo(1);
        assertThat(silent.instanceCountOrDefault(8)).isEqualTo(2);
        assertThat(silent.intraOpThreadsOrDefault(8)).isEqualTo(4);
        assertThat(silent.instanceCountOrDefault(1)).isEqualTo(1);
        assertThat(silent.intraOpThreadsOrDefault(1)).isEqualTo(1);
    }

    @Test
    void whatTheConfigSaysWinsAndThreadsShareTheCoresAmongItsInstances() {
        assertThat(ModelConfig.parse("{\"instance_count\": 1}").intraOpThreadsOrDefault(8))
                .isEqualTo(8);
        assertThat(ModelConfig.parse("{\"instance_count\": 3}").intraOpThreadsOrDefault(2))
                .isEqualTo(1);
        ModelConfig both = ModelConfig.parse("{\"instance_count\": 4, \"intra_op_threads\": 0}");
        assertThat(both.instanceCountOrDefault(2)).isEqualTo(4);
        assertThat(both.intraOpThreadsOrDefault(2))
                .as("0 leaves the choice to ONNX Runtime")
                .isZero();
    }
}

package io.fogline.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.core.federated.UpdateEncoding;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FederatedMessagesTest {

    private static final String DIGEST = "cd".repeat(32);

    private static <T> T read(String json, Class<T> type) {
        return ProtocolJson.read(json.getBytes(StandardCharsets.UTF_8), type);
    }

    @Test
    void aDesiredStateWithARoundReadsBackAsWritten() {
        DesiredState state = new DesiredState(
                30,
                List.of(),
                new FederatedTask(
                        "job-1", "fashion", 2, DIGEST, 4096, 1, 32, 0.05, 0.01, 0, "int8", 1_800_000_000_000L));

        DesiredState read = ProtocolJson.read(ProtocolJson.write(state), DesiredState.class);

        assertThat(read).isEqualTo(state);
        assertThat(read.federated().updateEncoding()).isEqualTo(UpdateEncoding.int8());
    }

    @Test
    void aDesiredStateWithoutARoundHasNoFederatedField() {
        assertThat(new String(ProtocolJson.write(new DesiredState(30, List.of())), StandardCharsets.UTF_8))
                .isEqualTo("{\"poll_interval_seconds\":30,\"models\":[]}");
    }

    @Test
    void aTaskFromAControlPlaneOlderThanItsModelFieldNamesNoModel() {
        String task = "{\"job\":\"j\",\"round\":1,\"weights\":\"%s\",\"weights_size\":10,\"local_epochs\":1,"
                + "\"batch_size\":8,\"learning_rate\":0.1,\"encoding\":\"fp32\",\"deadline\":5}";

        assertThat(read(task.formatted(DIGEST), FederatedTask.class).model()).isNull();
        assertThatThrownBy(() -> read(task.formatted(DIGEST).replace("{", "{\"model\":\"a b\","), FederatedTask.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'model'");
    }

    @Test
    void aTaskWithABadEncodingOrDigestIsRefusedByName() {
        String task = "{\"job\":\"j\",\"round\":1,\"weights\":\"%s\",\"weights_size\":10,\"local_epochs\":1,"
                + "\"batch_size\":8,\"learning_rate\":0.1,\"encoding\":\"%s\",\"deadline\":5}";
        assertThatThrownBy(() -> read(task.formatted(DIGEST, "zip"), FederatedTask.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown update encoding 'zip'");
        assertThatThrownBy(() -> read(task.formatted("xyz", "fp32"), FederatedTask.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'weights' must be a lowercase hex SHA-256, got 'xyz'");
        assertThatThrownBy(() ->
                        read(task.formatted(DIGEST, "fp32").replace("\"round\":1", "\"round\":0"), FederatedTask.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'round' must be at least 1, got 0");
    }

    @Test
    void anOptInCountsExamplesAndRefusesNegativeOnes() {
        assertThat(read("{\"examples\":1200}", FederatedOptIn.class)).isEqualTo(new FederatedOptIn(1200));
        assertThatThrownBy(() -> read("{\"examples\":-1}", FederatedOptIn.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'examples' must not be negative, got -1");
        assertThatThrownBy(() -> read("{}", FederatedOptIn.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'examples' is required");
    }
}

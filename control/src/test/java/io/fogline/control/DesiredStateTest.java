package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredStateTest extends OnBothDatabases {

    @Test
    void theETagChangesExactlyWhenTheDevicesDesiredStateChanges() {
        SimulatedDevice canary = harness.enrol("cam-1", "cameras", Map.of());
        SimulatedDevice other = harness.enrol("cam-2", "cameras", Map.of());
        String bundle = harness.publish("fashion", 3);
        assertThat(canary.poll().path("models").size()).isZero();
        assertThat(other.poll()).isNotNull();
        assertThat(canary.poll()).as("unchanged: 304").isNull();

        long rollout = harness.startRollout(Map.of(
                "model",
                "fashion",
                "version",
                3,
                "target",
                Map.of("group", "cameras"),
                "waves",
                Map.of("canary", "1")));
        JsonNode desired = canary.poll();
        assertThat(desired).as("targeted: a new state").isNotNull();
        assertThat(desired.path("poll_interval_seconds").asInt()).isEqualTo(30);
        JsonNode model = desired.path("models").get(0);
        assertThat(model.path("model").asText()).isEqualTo("fashion");
        assertThat(model.path("version").asInt()).isEqualTo(3);
        assertThat(model.path("bundle").asText()).isEqualTo(bundle);
        assertThat(model.path("action_id").asLong()).isPositive();
        assertThat(other.poll()).as("another device's change is not this one's").isNull();
        assertThat(canary.poll()).isNull();

        harness.operator().post("/api/v1/rollouts/" + rollout + "/rollback", Map.of());
        JsonNode rolledBack = canary.poll();
        assertThat(rolledBack).as("rolled back: a new state").isNotNull();
        assertThat(rolledBack.path("models").size())
                .as("no previous version: the model is left as it is")
                .isZero();
        assertThat(other.poll()).isNull();
    }

    @Test
    void theOperatorSeesADevicesDesiredStateWithTheSameETag() {
        SimulatedDevice camera = harness.enrol("cam-1", "cameras", Map.of());
        camera.poll();
        Http.Answer asDevice = camera.http.get("/api/v1/devices/cam-1/desired");
        Http.Answer asOperator = harness.operator().get("/api/v1/devices/cam-1/desired");
        assertThat(asOperator.status()).isEqualTo(200);
        assertThat(asOperator.header("ETag")).isEqualTo(asDevice.header("ETag"));
        assertThat(harness.operator().get("/api/v1/devices/nobody/desired").status())
                .isEqualTo(404);
    }
}

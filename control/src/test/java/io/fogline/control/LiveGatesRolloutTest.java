package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.core.telemetry.ModelWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A canary judged on what its devices do after the switch, over real HTTP: devices report their switch, then send
 * telemetry with ground truth each minute; the rollout bakes, then compares the canary with the devices still on the
 * old version. A canary that answers worse at its sites is rolled back; one that answers as well goes on.
 */
class LiveGatesRolloutTest extends OnBothDatabases {

    private final List<SimulatedDevice> devices = new ArrayList<>();
    private String v1;

    @BeforeEach
    void start() {
        for (int i = 0; i < 6; i++) {
            devices.add(harness.enrol("cam-" + i, "cameras", Map.of("site", i % 2 == 0 ? "berlin" : "paris")));
        }
        v1 = harness.publish("fashion", 1);
        harness.publish("fashion", 2);
        long first =
                harness.startRollout(ControlHarness.rolloutSpec(1, Map.of("canary", "100%"), Map.of(), "rollback"));
        devices.forEach(device -> device.switchTo(device.desired("fashion"), SimulatedDevice.goodQuality()));
        assertThat(harness.rollout(first).path("state").asText()).isEqualTo("completed");
    }

    /** A minute of a device's traffic: 50 answers, 5 escalated, and 10 labels of which {@code right} were right. */
    private static ModelWindow minute(String version, long right, long escalations) {
        return TelemetryBatches.window(50, 0, escalations, 3, null)
                .withVersion(version)
                .withGroundTruth(10, right);
    }

    private long startCanary() {
        long id = harness.startRollout(ControlHarness.rolloutSpec(
                2,
                Map.of("canary", "2"),
                Map.of(
                        "live",
                        Map.of(
                                "bake_seconds",
                                300,
                                "min_requests",
                                200,
                                "max_accuracy_drop",
                                0.05,
                                "max_escalation_rate_increase",
                                0.05)),
                "rollback"));
        for (SimulatedDevice device : devices.subList(0, 2)) {
            device.switchTo(device.desired("fashion"), SimulatedDevice.goodQuality());
        }
        return id;
    }

    /** Minutes in which the canary sends {@code canary}'s figures and the others version 1's. */
    private void minutes(int count, ModelWindow canary) {
        for (int i = 0; i < count; i++) {
            harness.clock.advance(Duration.ofMinutes(1));
            for (int d = 0; d < devices.size(); d++) {
                SimulatedDevice device = devices.get(d);
                Http.Answer sent = device.http.postBytes(
                        "/api/v1/devices/" + device.id + "/telemetry",
                        TelemetryBatches.batch(harness.clock.instant(), d < 2 ? canary : minute("1", 9, 5)));
                assertThat(sent.status()).as(sent.text()).isEqualTo(200);
            }
            harness.tick();
        }
    }

    @Test
    void aCanaryWithWorseLiveAccuracyIsRolledBackAfterItsBake() {
        long id = startCanary();
        minutes(3, minute("2", 6, 5));

        JsonNode baking = harness.rollout(id);
        assertThat(baking.path("state").asText()).isEqualTo("running");
        assertThat(baking.path("state_reason").asText()).isEqualTo("wave 0 switched; baking 300 s on live traffic");

        minutes(4, minute("2", 6, 5));

        JsonNode rollout = harness.rollout(id);
        assertThat(rollout.path("state").asText()).isEqualTo("rolled_back");
        assertThat(rollout.path("state_reason").asText())
                .isEqualTo("wave 0 failed its live gates: live accuracy 0.600 (60 of 100) fell below the old version's"
                        + " 0.900 by more than 0.050");
        assertThat(devices.stream()
                        .map(device -> device.desired("fashion").path("bundle").asText())
                        .toList())
                .containsOnly(v1);
    }

    @Test
    void aCanaryThatEscalatesMoreIsRolledBackToo() {
        long id = startCanary();
        minutes(7, minute("2", 9, 20));

        assertThat(harness.rollout(id).path("state_reason").asText())
                .isEqualTo("wave 0 failed its live gates: escalation rate 0.400 rose over the old version's 0.100 by"
                        + " more than 0.050");
    }

    @Test
    void aCanaryThatAnswersAsWellGoesOnToTheNextWave() {
        long id = startCanary();
        minutes(7, minute("2", 9, 5));

        JsonNode rollout = harness.rollout(id);
        assertThat(rollout.path("state").asText()).isEqualTo("running");
        assertThat(rollout.path("waves").get(0).path("result").asText()).isEqualTo("passed");
        assertThat(rollout.path("current_wave").asInt()).isEqualTo(1);
    }
}

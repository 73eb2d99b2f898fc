package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.bundle.TrustStore;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An old node keeps working with this control plane: the messages below were recorded from a node of December 2026
 * (node/ota before the protocol types moved to core), byte for byte, and the desired state this control plane sends
 * still holds every field, of the type, that such a node reads.
 */
class RecordedNodeMessagesTest extends OnBothDatabases {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORDED = "/protocol/recorded-2026-12/";

    private static ObjectNode recorded(String name) throws IOException {
        try (InputStream in = RecordedNodeMessagesTest.class.getResourceAsStream(RECORDED + name)) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    /** The recorded enrolment, with a token of this control plane and the device's own id. */
    private SimulatedDevice enrolAsRecorded(String id) throws IOException {
        ObjectNode enrol = recorded("enrol.json");
        enrol.put("token", harness.issueToken("cameras")).put("device_id", id);
        Http.Answer answer = harness.anonymous().postBytes("/api/v1/enrol", JSON.writeValueAsBytes(enrol));
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        assertThat(answer.json().path("device_id").asText()).isEqualTo(id);
        String credential = answer.json().path("credential").asText();
        return new SimulatedDevice(
                id,
                credential,
                new Http(harness.control().port(), credential),
                TrustStore.of(harness.signingKey().trusted()));
    }

    /** A recorded report, sent as it was recorded but for the order it answers. */
    private Http.Answer report(SimulatedDevice device, String name, JsonNode desired) throws IOException {
        ObjectNode report = recorded(name);
        report.put("action_id", desired.path("action_id").asLong());
        return device.http.postBytes("/api/v1/devices/" + device.id + "/feedback", JSON.writeValueAsBytes(report));
    }

    @Test
    void anOldNodeEnrolsTakesARolloutAndSendsTelemetry() throws IOException {
        harness.publish("fashion", 1);
        SimulatedDevice node = enrolAsRecorded("cam-old");
        long rollout = harness.startRollout(ControlHarness.rolloutSpec(
                1,
                Map.of("canary", "1"),
                Map.of("quality", Map.of("golden_passed", true, "max_p95_ms", 50)),
                "rollback"));
        JsonNode poll = node.poll();

        // What a node of December 2026 requires of a desired state, or it refuses the poll.
        assertThat(poll.path("poll_interval_seconds").canConvertToInt()).isTrue();
        JsonNode desired = poll.path("models").get(0);
        assertThat(desired.path("model").isTextual()).isTrue();
        assertThat(desired.path("bundle").asText()).matches("[0-9a-f]{64}");
        assertThat(desired.path("version").canConvertToLong()).isTrue();
        assertThat(desired.path("action_id").canConvertToLong()).isTrue();

        assertThat(report(node, "feedback-downloading.json", desired)
                        .json()
                        .path("accepted")
                        .asBoolean())
                .isTrue();
        assertThat(report(node, "feedback-switched.json", desired)
                        .json()
                        .path("accepted")
                        .asBoolean())
                .isTrue();
        harness.tick();
        assertThat(harness.rollout(rollout).path("state").asText()).isEqualTo("completed");

        // The recorded window ended at 08:00 on the day it was recorded; a window from the future is not stored.
        harness.clock.advance(Duration.between(harness.clock.instant(), Instant.parse("2026-12-06T08:01:00Z")));
        Http.Answer telemetry = node.http.postBytes(
                "/api/v1/devices/cam-old/telemetry", JSON.writeValueAsBytes(recorded("telemetry.json")));
        assertThat(telemetry.status()).as(telemetry.text()).isEqualTo(200);
        assertThat(telemetry.json().path("accepted").asBoolean()).isTrue();
        assertThat(harness.column("SELECT requests FROM telemetry_windows WHERE device_id = 'cam-old'"))
                .containsExactly("4");
    }

    @Test
    void anOldNodesFailureIsRecordedWithItsReason() throws IOException {
        harness.publish("fashion", 1);
        SimulatedDevice node = enrolAsRecorded("cam-old");
        long rollout = harness.startRollout(ControlHarness.rolloutSpec(1, Map.of("canary", "1"), Map.of(), "rollback"));
        JsonNode desired = node.poll().path("models").get(0);

        assertThat(report(node, "feedback-failed.json", desired)
                        .json()
                        .path("accepted")
                        .asBoolean())
                .isTrue();
        harness.tick();

        assertThat(harness.rollout(rollout).path("state").asText()).isEqualTo("rolled_back");
        assertThat(harness.column("SELECT reason FROM actions WHERE device_id = 'cam-old' AND purpose = 'update'"))
                .singleElement()
                .asString()
                .startsWith("golden_failed: case 0: output 'probabilities'");
    }

    @Test
    void anOldNodeThatDoesNotReportEscalationsFailsAnEscalationGate() throws IOException {
        harness.publish("fashion", 1);
        SimulatedDevice node = enrolAsRecorded("cam-old");
        long rollout = harness.startRollout(ControlHarness.rolloutSpec(
                1, Map.of("canary", "1"), Map.of("quality", Map.of("max_escalation_rate", 0.2)), "pause"));

        report(node, "feedback-switched.json", node.poll().path("models").get(0));
        harness.tick();

        JsonNode view = harness.rollout(rollout);
        assertThat(view.path("state").asText()).isEqualTo("paused");
        assertThat(view.path("waves")
                        .get(0)
                        .path("tally")
                        .path("quality_failed")
                        .asInt())
                .isEqualTo(1);
    }
}

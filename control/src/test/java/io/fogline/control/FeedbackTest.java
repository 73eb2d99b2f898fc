package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FeedbackTest extends OnBothDatabases {

    private SimulatedDevice camera;

    @BeforeEach
    void start() {
        camera = harness.enrol("cam-1", "cameras", Map.of());
    }

    private Http.Answer send(long seq, String status, int runningVersion) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("seq", seq);
        body.put("status", status);
        body.put("running", List.of(Map.of("model", "fashion", "version", runningVersion)));
        return camera.http.post("/api/v1/devices/cam-1/feedback", body);
    }

    private JsonNode device() {
        return harness.operator().get("/api/v1/devices/cam-1").json();
    }

    @Test
    void aReportIsAppliedOnceAndAResentOneIsAcknowledgedAndIgnored() {
        assertThat(send(1, "switched", 2).json().path("accepted").asBoolean()).isTrue();
        Http.Answer again = send(1, "switched", 2);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("accepted").asBoolean()).isFalse();
        assertThat(harness.column("SELECT seq FROM feedback")).containsExactly("1");
        assertThat(device().path("last_seq").asLong()).isEqualTo(1);
    }

    @Test
    void aLateReportDoesNotUndoANewerOne() {
        assertThat(send(3, "switched", 3).json().path("accepted").asBoolean()).isTrue();
        assertThat(send(2, "switched", 2).json().path("accepted").asBoolean())
                .as("older than the last applied")
                .isFalse();
        JsonNode device = device();
        assertThat(device.path("running").toString()).isEqualTo("[{\"model\":\"fashion\",\"version\":3}]");
        assertThat(device.path("last_status").asText()).isEqualTo("switched");
        assertThat(device.path("last_seq").asLong()).isEqualTo(3);
    }

    @Test
    void malformedReportsAreRefusedWithTheFieldNamed() {
        Map<String, Object> noReason = Map.of("seq", 1, "status", "failed");
        assertRefused(noReason, "'reason' is required with status 'failed'");
        assertRefused(
                Map.of("seq", 1, "status", "exploded"),
                "'status' must be one of downloading, verifying, unpacking, loading, testing, switched, failed;"
                        + " got 'exploded'");
        assertRefused(Map.of("status", "loading"), "'seq' is required");
        assertRefused(Map.of("seq", 0, "status", "loading"), "'seq' must be at least 1, got 0");
        assertRefused(Map.of("seq", "x", "status", "loading"), "'seq' must be an integer");
        Http.Answer notJson = camera.http.postBytes("/api/v1/devices/cam-1/feedback", "{".getBytes());
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.error()).startsWith("body: malformed JSON");
        assertThat(device().path("last_seq").asLong()).as("nothing applied").isZero();
    }

    private void assertRefused(Map<String, Object> body, String message) {
        Http.Answer answer = camera.http.post("/api/v1/devices/cam-1/feedback", body);
        assertThat(answer.status()).as(message).isEqualTo(400);
        assertThat(answer.error()).isEqualTo(message);
    }
}

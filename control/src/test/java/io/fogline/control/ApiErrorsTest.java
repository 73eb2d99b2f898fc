package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiErrorsTest extends OnBothDatabases {

    @Test
    void unknownEndpointsAreNotFound() {
        Http.Answer unknown = harness.operator().get("/api/v1/nothing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("no endpoint GET /api/v1/nothing");
        assertThat(harness.operator().get("/nothing").status()).isEqualTo(404);
        assertThat(harness.operator().get("/api/v1/devices/cam-1/desired/more").status())
                .isEqualTo(404);
    }

    @Test
    void aKnownPathAskedWithAnotherMethodSaysWhichItTakes() {
        Http.Answer enrol = harness.operator().get("/api/v1/enrol");
        assertThat(enrol.status()).isEqualTo(405);
        assertThat(enrol.header("Allow")).isEqualTo("POST");
        assertThat(enrol.error()).isEqualTo("no endpoint GET /api/v1/enrol; it takes POST");
        Http.Answer device = harness.operator().post("/api/v1/devices/cam-1", Map.of());
        assertThat(device.status()).isEqualTo(405);
        assertThat(device.header("Allow")).isEqualTo("GET, PATCH");
        assertThat(harness.anonymous()
                        .post("/api/v1/devices/cam-1/desired", Map.of())
                        .header("Allow"))
                .as("before any credential is asked for")
                .isEqualTo("GET");
    }

    @Test
    void malformedAndOversizedRequestsAreRefusedWithTheReason() {
        Http.Answer malformed = harness.operator().postBytes("/api/v1/rollouts", "{\"model\":".getBytes());
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.error()).startsWith("body: malformed JSON: ");
        Http.Answer missing = harness.operator().post("/api/v1/rollouts", Map.of("version", 1));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.error()).isEqualTo("'model' is required");
        Http.Answer huge = harness.anonymous().postBytes("/api/v1/enrol", new byte[1024 * 1024 + 1]);
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.error()).isEqualTo("request body is over the limit of 1048576 bytes");
        Http.Answer noRollout = harness.operator().get("/api/v1/rollouts/x");
        assertThat(noRollout.status()).isEqualTo(404);
        assertThat(noRollout.error()).isEqualTo("no rollout 'x'");
        Http.Answer noCommand = harness.operator().post("/api/v1/rollouts/1/explode", Map.of());
        assertThat(noCommand.status()).isEqualTo(404);
        assertThat(noCommand.error()).isEqualTo("no rollout command 'explode'");
    }
}

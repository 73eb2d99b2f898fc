package io.fogline.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolMessagesTest {

    private static final String DIGEST = "ab".repeat(32);

    private static <T> T read(String json, Class<T> type) {
        return ProtocolJson.read(json.getBytes(StandardCharsets.UTF_8), type);
    }

    private static String write(Object message) {
        return new String(ProtocolJson.write(message), StandardCharsets.UTF_8);
    }

    @Test
    void aSwitchedReportIsWrittenWithOnlyTheFieldsItHas() {
        Feedback switched = new Feedback(
                6,
                41L,
                "fashion",
                1L,
                UpdateStatus.SWITCHED,
                null,
                new Quality(true, 0.44, 0.0, 0.125),
                List.of(new RunningModel("fashion", 1)));

        String json = write(switched);

        assertThat(json)
                .isEqualTo("{\"seq\":6,\"action_id\":41,\"model\":\"fashion\",\"version\":1,\"status\":\"switched\","
                        + "\"quality\":{\"golden_passed\":true,\"p95_ms\":0.44,\"error_rate\":0.0,\"escalation_rate\":0.125},"
                        + "\"running\":[{\"model\":\"fashion\",\"version\":1}]}");
        assertThat(read(json, Feedback.class)).isEqualTo(switched);
    }

    @Test
    void aDesiredStateReadsBackAsWritten() {
        DesiredState state = new DesiredState(30, List.of(new DesiredModel("fashion", 3, DIGEST, 42)));

        String json = write(state);

        assertThat(json)
                .isEqualTo("{\"poll_interval_seconds\":30,\"models\":[{\"model\":\"fashion\",\"version\":3,"
                        + "\"bundle\":\"" + DIGEST + "\",\"action_id\":42}]}");
        assertThat(read(json, DesiredState.class)).isEqualTo(state);
    }

    @Test
    void fieldsAReaderDoesNotKnowAreIgnored() {
        DesiredState state = read(
                "{\"poll_interval_seconds\":5,\"models\":[],\"rounds\":[{\"round\":1}],\"trust\":\"x\"}",
                DesiredState.class);

        assertThat(state.models()).isEmpty();
    }

    @Test
    void aBadReportIsRefusedNamingTheField() {
        assertThatThrownBy(() -> read("{\"status\":\"switched\"}", Feedback.class))
                .hasMessage("'seq' is required");
        assertThatThrownBy(() -> read("{\"seq\":0,\"status\":\"switched\"}", Feedback.class))
                .hasMessage("'seq' must be at least 1, got 0");
        assertThatThrownBy(() -> read("{\"seq\":1.5,\"status\":\"switched\"}", Feedback.class))
                .hasMessage("'seq' must be an integer");
        assertThatThrownBy(() -> read("{\"seq\":\"7\",\"status\":\"switched\"}", Feedback.class))
                .hasMessage("'seq' must be an integer");
        assertThatThrownBy(() -> read("{\"seq\":1,\"status\":\"exploded\"}", Feedback.class))
                .hasMessage("'status' must be one of downloading, verifying, unpacking, loading, testing, switched,"
                        + " failed; got 'exploded'");
        assertThatThrownBy(() -> read("{\"seq\":1,\"status\":\"failed\"}", Feedback.class))
                .hasMessage("'reason' is required with status 'failed'");
        assertThatThrownBy(() -> read(
                        "{\"seq\":1,\"status\":\"switched\",\"quality\":{\"error_rate\":\"low\"}}", Feedback.class))
                .hasMessage("'quality.error_rate' must be a number");
        assertThatThrownBy(() -> read(
                        "{\"seq\":1,\"status\":\"switched\",\"quality\":{\"escalation_rate\":1.5}}", Feedback.class))
                .hasMessage("'quality.escalation_rate' must be from 0 to 1, got 1.5");
        assertThatThrownBy(() -> read(
                        "{\"seq\":1,\"status\":\"switched\",\"running\":[{\"model\":\"m\",\"version\":\"x\"}]}",
                        Feedback.class))
                .hasMessage("'running[0].version' must be an integer");
        assertThatThrownBy(() -> read("{\"seq\":1,\"status\":\"switched\",\"running\":{}}", Feedback.class))
                .hasMessage("'running' must be a list");
        assertThatThrownBy(() -> read("[1]", Feedback.class)).hasMessage("body: expected a JSON object");
        assertThatThrownBy(() -> read("{\"seq\":", Feedback.class)).hasMessageStartingWith("body: malformed JSON: ");
    }

    @Test
    void aDesiredModelWithAnUnsafeNameOrABadDigestIsRefused() {
        assertThatThrownBy(() -> new DesiredModel("../etc", 1, DIGEST, 1))
                .hasMessage("'model' must be 1 to 128 letters, digits, '.', '_' or '-', got '../etc'");
        assertThatThrownBy(() -> new DesiredModel("m", 1, "abc", 1))
                .hasMessage("'bundle' must be a lowercase hex SHA-256, got 'abc'");
        assertThatThrownBy(() -> read(
                        "{\"poll_interval_seconds\":5,\"models\":[{\"model\":\"m\",\"bundle\":\"" + DIGEST
                                + "\",\"action_id\":1}]}",
                        DesiredState.class))
                .hasMessage("'version' is required");
        assertThatThrownBy(() -> new DesiredState(
                        5, List.of(new DesiredModel("m", 1, DIGEST, 1), new DesiredModel("m", 2, DIGEST, 2))))
                .hasMessage("'models' lists model 'm' twice");
    }

    @Test
    void anEnrolmentChecksTheDeviceIdAndLabelKeys() {
        Enrolment enrolment =
                read("{\"token\":\"t\",\"device_id\":\"cam-17\",\"labels\":{\"site\":\"berlin\"}}", Enrolment.class);
        assertThat(enrolment.labels()).isEqualTo(Map.of("site", "berlin"));
        assertThatThrownBy(() -> read("{\"token\":\"t\",\"device_id\":\"../x\"}", Enrolment.class))
                .hasMessage("'device_id' must be 1 to 128 letters, digits, '.', '_' or '-', got '../x'");
        assertThatThrownBy(() -> read("{\"device_id\":\"x\"}", Enrolment.class)).hasMessage("'token' is required");
        assertThatThrownBy(
                        () -> read("{\"token\":\"t\",\"device_id\":\"x\",\"labels\":{\"a b\":\"c\"}}", Enrolment.class))
                .hasMessage("'labels key' must be 1 to 128 letters, digits, '.', '_' or '-', got 'a b'");
    }
}

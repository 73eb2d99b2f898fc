package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A wave of 20,000 devices opens, completes and rolls back through set-based statements: every device gets its order
 * and its new desired state in one transition, and every one gets its previous version back in another.
 */
class LargeWaveTest extends OnBothDatabases {

    private static final int DEVICES = 20_000;

    @Test
    void aWaveOfTwentyThousandDevicesOpensAndRollsBackWhole() {
        List<Object[]> devices = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            devices.add(new Object[] {String.format("d-%05d", i), "credential-" + i, "fleet", "{}", 0L});
        }
        harness.execute(
                "INSERT INTO devices (id, credential_hash, device_group, labels, enrolled_at) VALUES (?, ?, ?, ?, ?)",
                devices);
        harness.publish("fashion", 1);
        harness.publish("fashion", 2);
        Map<String, Object> everyone = Map.of("group", "fleet");

        long first = harness.startRollout(
                Map.of("model", "fashion", "version", 1, "target", everyone, "waves", Map.of("canary", "100%")));
        assertThat(harness.column("SELECT COUNT(*) FROM desired_models WHERE version = 1"))
                .containsExactly(String.valueOf(DEVICES));
        assertThat(harness.column("SELECT COUNT(*) FROM devices WHERE desired_revision = 1"))
                .containsExactly(String.valueOf(DEVICES));
        harness.execute(
                "UPDATE actions SET status = 'switched', quality = '{\"golden_passed\":true}' WHERE rollout_id = ?",
                List.<Object[]>of(new Object[] {first}));
        harness.tick();
        assertThat(harness.rollout(first).path("state").asText()).isEqualTo("completed");

        long second = harness.startRollout(
                Map.of("model", "fashion", "version", 2, "target", everyone, "waves", Map.of("canary", "50%")));
        JsonNode opened = harness.rollout(second);
        assertThat(opened.path("targets").asInt()).isEqualTo(DEVICES);
        assertThat(opened.path("waves").get(0).path("tally").path("pending").asInt())
                .isEqualTo(DEVICES / 2);
        assertThat(harness.operator()
                        .post("/api/v1/rollouts/" + second + "/rollback", Map.of())
                        .status())
                .isEqualTo(200);

        assertThat(harness.column("SELECT version, COUNT(*) FROM desired_models GROUP BY version"))
                .containsExactly("1");
        assertThat(harness.column(
                        "SELECT COUNT(*) FROM actions WHERE rollout_id = " + second + " AND purpose = 'rollback'"))
                .containsExactly(String.valueOf(DEVICES / 2));
        assertThat(harness.column("SELECT COUNT(*) FROM devices WHERE desired_revision = 3"))
                .as("a new revision for each device sent back, none for the others")
                .containsExactly(String.valueOf(DEVICES / 2));
        assertThat(harness.rollout(second).path("rollback").path("pending").asInt())
                .isEqualTo(DEVICES / 2);
    }
}

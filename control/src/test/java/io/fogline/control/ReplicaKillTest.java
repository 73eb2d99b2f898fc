package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas in processes of their own on one PostgreSQL and one bucket; one is killed with SIGKILL in the middle of
 * a rollout, and the devices, reaching the other, finish it: nothing the rollout needs lived in the dead one.
 */
class ReplicaKillTest {

    private Replicas replicas;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        replicas = new Replicas(dir);
    }

    @AfterEach
    void stop() throws Exception {
        replicas.close();
    }

    @Test
    void aRolloutFinishesThroughTheReplicaThatSurvives() throws Exception {
        Replicas.Launched a = replicas.launch("a");
        Replicas.Launched b = replicas.launch("b");
        String bundle = replicas.publish(a.port(), "fashion", 1);
        List<SimulatedDevice> devices = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            devices.add(replicas.enrol(i % 2 == 0 ? a.port() : b.port(), "cam-" + i, "cameras"));
        }
        Http operatorA = new Http(a.port(), ControlHarness.ADMIN_TOKEN);
        long rollout = operatorA
                .post(
                        "/api/v1/rollouts",
                        Map.of(
                                "model",
                                "fashion",
                                "version",
                                1,
                                "target",
                                Map.of("group", "cameras"),
                                "waves",
                                Map.of("canary", "1", "factor", 2)))
                .json()
                .path("id")
                .asLong();

        // The canary and the first device of wave 1 switch, each half through one replica and half through the other.
        update(devices.get(0), a.port(), b.port(), bundle);
        await().atMost(Duration.ofSeconds(30)).until(() -> devices.get(1).poll() != null);
        update(devices.get(1), b.port(), a.port(), bundle);

        a.process().destroyForcibly().waitFor();
        for (SimulatedDevice device : devices.subList(2, devices.size())) {
            device.reach(b.port());
            JsonNode desired = await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> device.desired("fashion"), entry -> !entry.isMissingNode());
            assertThat(device.download(bundle)).isEqualTo(5);
            device.switchTo(desired, SimulatedDevice.goodQuality());
        }

        Http operatorB = new Http(b.port(), ControlHarness.ADMIN_TOKEN);
        JsonNode view = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> operatorB.get("/api/v1/rollouts/" + rollout).json(),
                        state -> state.path("state").asText().equals("completed"));
        assertThat(view.path("waves"))
                .extracting(wave -> wave.path("result").asText())
                .containsOnly("passed");
        assertThat(view.path("waves").get(2).path("tally").path("switched").asInt())
                .isEqualTo(4);
    }

    /** A device's poll through one replica, its download and reports through the other. */
    private static void update(SimulatedDevice device, int pollThrough, int fetchThrough, String bundle) {
        device.reach(pollThrough);
        JsonNode desired = device.desired("fashion");
        device.reach(fetchThrough);
        assertThat(device.download(bundle)).isEqualTo(5);
        device.switchTo(desired, SimulatedDevice.goodQuality());
    }
}

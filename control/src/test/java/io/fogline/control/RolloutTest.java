package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RolloutTest extends OnBothDatabases {

    private final List<SimulatedDevice> devices = new ArrayList<>();
    private String v1;
    private String v2;

    @BeforeEach
    void start() {
        for (int i = 0; i < 10; i++) {
            devices.add(
                    harness.enrol(String.format("cam-%02d", i), "cameras", Map.of("site", i < 5 ? "berlin" : "paris")));
        }
        v1 = harness.publish("fashion", 1);
        v2 = harness.publish("fashion", 2);
        long first = harness.startRollout(spec(1, Map.of("canary", "100%")));
        devices.forEach(device -> device.switchTo(device.desired("fashion"), SimulatedDevice.goodQuality()));
        assertThat(harness.rollout(first).path("state").asText()).isEqualTo("completed");
    }

    private static Map<String, Object> spec(int version, Map<String, Object> waves) {
        return spec(version, waves, Map.of(), "rollback");
    }

    private static Map<String, Object> spec(
            int version, Map<String, Object> waves, Map<String, Object> gates, String onFailure) {
        return ControlHarness.rolloutSpec(version, waves, gates, onFailure);
    }

    private final List<Long> switchedAlready = new ArrayList<>();

    /** Every device whose desired state now holds an unfinished update to v2 switches to it; returns how many. */
    private int switchTargeted(Map<String, Object> quality) {
        Map<SimulatedDevice, JsonNode> targeted = new java.util.LinkedHashMap<>();
        for (SimulatedDevice device : devices) {
            JsonNode desired = device.desired("fashion");
            if (desired.path("bundle").asText().equals(v2)
                    && !switchedAlready.contains(desired.path("action_id").asLong())) {
                targeted.put(device, desired);
            }
        }
        targeted.forEach((device, desired) -> {
            device.switchTo(desired, quality);
            switchedAlready.add(desired.path("action_id").asLong());
        });
        return targeted.size();
    }

    private List<String> desiredBundles() {
        return devices.stream()
                .map(device -> device.desired("fashion").path("bundle").asText())
                .toList();
    }

    @Test
    void aGoodBundleGoesThroughTheCanaryAndGrowingWavesToEveryDevice() {
        long id = harness.startRollout(spec(2, Map.of("canary", "1", "factor", 2)));
        JsonNode rollout = harness.rollout(id);
        assertThat(rollout.path("waves").valueStream().map(wave -> wave.path("size")
                        .asInt()))
                .containsExactly(1, 2, 4, 3);
        List<Integer> switchedPerWave = new ArrayList<>();
        for (int wave = 0; wave < 4; wave++) {
            long targeted = desiredBundles().stream().filter(v2::equals).count();
            assertThat(targeted)
                    .as("only devices up to wave %d are targeted", wave)
                    .isEqualTo((long) List.of(1, 3, 7, 10).get(wave));
            switchedPerWave.add(switchTargeted(SimulatedDevice.goodQuality()));
        }
        assertThat(switchedPerWave).containsExactly(1, 2, 4, 3);
        rollout = harness.rollout(id);
        assertThat(rollout.path("state").asText()).isEqualTo("completed");
        assertThat(rollout.path("waves").valueStream().map(wave -> wave.path("result")
                        .asText()))
                .containsOnly("passed");
        assertThat(desiredBundles()).containsOnly(v2);
        assertThat(harness.operator()
                        .get("/api/v1/devices/cam-09")
                        .json()
                        .path("running")
                        .toString())
                .isEqualTo("[{\"model\":\"fashion\",\"version\":2}]");
    }

    @Test
    void aBundleThatFailsItsGoldenTestStopsAtTheCanaryAndIsRolledBack() {
        long id = harness.startRollout(
                spec(2, Map.of("canary", "1"), Map.of("quality", Map.of("golden_passed", true)), "rollback"));
        SimulatedDevice canary = devices.getFirst();
        JsonNode update = canary.desired("fashion");
        assertThat(update.path("bundle").asText()).isEqualTo(v2);
        canary.failGolden(update);

        JsonNode rollout = harness.rollout(id);
        assertThat(rollout.path("state").asText()).isEqualTo("rolled_back");
        assertThat(rollout.path("state_reason").asText())
                .isEqualTo(
                        "wave 0 failed its gates: success threshold: 0 of 1 devices can switch at most, 1 needed (100%)");
        assertThat(rollout.path("waves").valueStream().map(wave -> wave.path("result")
                        .asText()))
                .containsExactly("failed", "planned", "planned", "planned");
        assertThat(desiredBundles())
                .as("every device desires v1 again or still")
                .containsOnly(v1);
        JsonNode back = canary.desired("fashion");
        assertThat(back.path("action_id").asLong())
                .isNotEqualTo(update.path("action_id").asLong());
        canary.switchTo(back, SimulatedDevice.goodQuality());
        assertThat(harness.rollout(id).path("rollback").toString())
                .isEqualTo("{\"devices\":1,\"switched\":1,\"failed\":0,\"pending\":0}");
    }

    @Test
    void aSwitchThatBreaksAQualityGateCountsAsAFailure() {
        long id = harness.startRollout(
                spec(2, Map.of("canary", "2"), Map.of("quality", Map.of("max_p95_ms", 10.0)), "rollback"));
        switchTargeted(Map.of("golden_passed", true, "p95_ms", 31.0, "error_rate", 0.0, "escalation_rate", 0.1));
        JsonNode rollout = harness.rollout(id);
        assertThat(rollout.path("state").asText()).isEqualTo("rolled_back");
        assertThat(rollout.path("waves")
                        .get(0)
                        .path("tally")
                        .path("quality_failed")
                        .asInt())
                .isEqualTo(1);
        assertThat(desiredBundles()).containsOnly(v1);
    }

    @Test
    void theFailureThresholdWaitsForItsMinimumSample() {
        long id = harness.startRollout(spec(
                2,
                Map.of("canary", "10"),
                Map.of("success_threshold", 0.5, "failure_threshold", 0.2, "min_sample", 5),
                "pause"));
        devices.get(0).failGolden(devices.get(0).desired("fashion"));
        devices.get(1).failGolden(devices.get(1).desired("fashion"));
        assertThat(harness.rollout(id).path("state").asText())
                .as("2 of 2 failed, below the sample")
                .isEqualTo("running");
        for (int i = 2; i < 4; i++) {
            devices.get(i).switchTo(devices.get(i).desired("fashion"), SimulatedDevice.goodQuality());
        }
        assertThat(harness.rollout(id).path("state").asText()).isEqualTo("running");
        devices.get(4).switchTo(devices.get(4).desired("fashion"), SimulatedDevice.goodQuality());
        JsonNode rollout = harness.rollout(id);
        assertThat(rollout.path("state").asText()).isEqualTo("paused");
        assertThat(rollout.path("state_reason").asText())
                .isEqualTo(
                        "wave 0 failed its gates: failure threshold: 2 of 5 ended devices failed, over 20% (minimum sample 5)");
        assertThat(desiredBundles())
                .as("a pause leaves desired states as they are")
                .containsOnly(v2);
    }

    @Test
    void aDeviceThatNeverAnswersTimesOutAndCountsAsFailed() {
        long id = harness.startRollout(spec(2, Map.of("canary", "1"), Map.of("device_timeout_seconds", 600), "pause"));
        harness.clock.advance(Duration.ofSeconds(599));
        harness.tick();
        assertThat(harness.rollout(id).path("state").asText()).isEqualTo("running");
        harness.clock.advance(Duration.ofSeconds(1));
        harness.tick();
        JsonNode rollout = harness.rollout(id);
        assertThat(rollout.path("state").asText()).isEqualTo("paused");
        assertThat(rollout.path("waves").get(0).path("tally").path("timed_out").asInt())
                .isEqualTo(1);
        JsonNode late = devices.getFirst().desired("fashion");
        devices.getFirst().switchTo(late, SimulatedDevice.goodQuality());
        assertThat(harness.tally(id, 0, "timed_out"))
                .as("a late answer does not undo the timeout")
                .isEqualTo(1);
    }

    @Test
    void anOperatorPausesResumesAndAborts() {
        long id = harness.startRollout(spec(2, Map.of("canary", "1", "factor", 2)));
        assertThat(command(id, "pause").path("state").asText()).isEqualTo("paused");
        switchTargeted(SimulatedDevice.goodQuality());
        harness.tick();
        assertThat(desiredBundles().stream().filter(v2::equals).count())
                .as("no wave opens while paused")
                .isEqualTo(1);
        assertThat(command(id, "resume").path("state").asText()).isEqualTo("running");
        assertThat(desiredBundles().stream().filter(v2::equals).count())
                .as("the next wave opened")
                .isEqualTo(3);
        devices.get(1).switchTo(devices.get(1).desired("fashion"), SimulatedDevice.goodQuality());

        JsonNode aborted = command(id, "abort");
        assertThat(aborted.path("state").asText()).isEqualTo("aborted");
        assertThat(desiredBundles().subList(0, 3))
                .as("switched devices keep v2, the one that had not switched goes back")
                .containsExactly(v2, v2, v1);
        Http.Answer again = harness.operator().post("/api/v1/rollouts/" + id + "/resume", Map.of());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).isEqualTo("rollout " + id + " is aborted: cannot resume");
    }

    @Test
    void anApprovalGateHoldsTheNextWaveUntilApproved() {
        Map<String, Object> spec = new HashMap<>(spec(2, Map.of("canary", "1", "factor", 9)));
        spec.put("approval", "after_canary");
        long id = harness.startRollout(spec);
        switchTargeted(SimulatedDevice.goodQuality());
        harness.tick();
        JsonNode waiting = harness.rollout(id);
        assertThat(waiting.path("state").asText()).isEqualTo("waiting_approval");
        assertThat(waiting.path("state_reason").asText()).isEqualTo("wave 0 passed; approve to open wave 1");
        assertThat(command(id, "approve").path("current_wave").asInt()).isEqualTo(1);
        assertThat(switchTargeted(SimulatedDevice.goodQuality())).isEqualTo(9);
        assertThat(harness.rollout(id).path("state").asText()).isEqualTo("completed");
    }

    @Test
    void aRestartedControlPlaneCarriesOnWithTheRollout() {
        long id = harness.startRollout(
                spec(2, Map.of("canary", "1", "factor", 3), Map.of("device_timeout_seconds", 600), "rollback"));
        switchTargeted(SimulatedDevice.goodQuality());
        harness.restart();
        assertThat(harness.rollout(id).path("current_wave").asInt()).isEqualTo(1);
        devices.get(1).switchTo(devices.get(1).desired("fashion"), SimulatedDevice.goodQuality());
        harness.restart();
        harness.clock.advance(Duration.ofSeconds(601));
        harness.tick();
        JsonNode rollout = harness.rollout(id);
        assertThat(rollout.path("state").asText())
                .as("devices 2 and 3 timed out")
                .isEqualTo("rolled_back");
        assertThat(desiredBundles()).containsOnly(v1);
    }

    @Test
    void atARateWavesOpenOnScheduleWhileTheGatesOfEveryTargetedDeviceHold() {
        long id = harness.startRollout(spec(
                2,
                Map.of("canary", "1", "factor", 2, "every_seconds", 60),
                Map.of("success_threshold", 0.5, "failure_threshold", 0.3, "min_sample", 3),
                "rollback"));
        harness.clock.advance(Duration.ofSeconds(59));
        harness.tick();
        assertThat(harness.rollout(id).path("current_wave").asInt())
                .as("not yet due")
                .isZero();
        harness.clock.advance(Duration.ofSeconds(1));
        harness.tick();
        JsonNode rollout = harness.rollout(id);
        assertThat(rollout.path("current_wave").asInt())
                .as("due, though the canary has not answered")
                .isEqualTo(1);
        assertThat(rollout.path("waves").get(0).path("reason").asText())
                .isEqualTo("next wave opened on schedule after 60 s");
        devices.get(0).switchTo(devices.get(0).desired("fashion"), SimulatedDevice.goodQuality());
        devices.get(1).failGolden(devices.get(1).desired("fashion"));
        devices.get(2).failGolden(devices.get(2).desired("fashion"));
        rollout = harness.rollout(id);
        assertThat(rollout.path("state").asText()).isEqualTo("rolled_back");
        assertThat(rollout.path("state_reason").asText())
                .isEqualTo("wave 1 failed its gates: failure threshold: 2 of 3 ended devices failed, over 30%"
                        + " (minimum sample 3)");
        assertThat(desiredBundles()).containsOnly(v1);
    }

    @Test
    void reportsArrivingAtOnceAreEachCountedOnce() throws Exception {
        long id = harness.startRollout(spec(2, Map.of("canary", "100%")));
        Map<SimulatedDevice, JsonNode> desired = new java.util.LinkedHashMap<>();
        devices.forEach(device -> desired.put(device, device.desired("fashion")));
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> reports = new ArrayList<>();
            desired.forEach((device, entry) ->
                    reports.add(threads.submit(() -> device.switchTo(entry, SimulatedDevice.goodQuality()))));
            for (var report : reports) {
                report.get();
            }
        }
        JsonNode rollout = harness.rollout(id);
        assertThat(rollout.path("state").asText()).isEqualTo("completed");
        assertThat(rollout.path("waves").get(0).path("tally").path("switched").asInt())
                .isEqualTo(10);
        assertThat(harness.column("SELECT COUNT(*) FROM feedback")).containsExactly(String.valueOf(10 * 6 * 2));
    }

    @Test
    void aSecondRolloutOfTheSameModelWaitsForTheFirst() {
        long id = harness.startRollout(spec(2, Map.of("canary", "1")));
        Http.Answer second = harness.operator().post("/api/v1/rollouts", spec(1, Map.of("canary", "1")));
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.error())
                .isEqualTo("rollout " + id + " of model 'fashion' is running: finish, abort or roll it back first");
    }

    @Test
    void badRolloutsAreRefusedWithTheReason() {
        assertRefused(spec(7, Map.of()), 404, "no published bundle of model 'fashion' version 7");
        Map<String, Object> nobody = new HashMap<>(spec(2, Map.of()));
        nobody.put("target", Map.of("selector", "site=tokyo"));
        assertRefused(nobody, 400, "target selector 'site=tokyo' matches no device");
        assertRefused(
                spec(2, Map.of("canary", "0%")),
                400,
                "'waves.canary' must be a device count (\"1\") or a share (\"5%\"), got '0%'");
        assertRefused(
                spec(2, Map.of(), Map.of("success_threshold", 2), "pause"),
                400,
                "'gates.success_threshold' must be a number from 0 to 1, got 2");
        assertRefused(
                spec(2, Map.of(), Map.of(), "explode"),
                400,
                "'on_failure' must be one of pause, rollback; got 'explode'");
    }

    private void assertRefused(Map<String, Object> spec, int status, String error) {
        Http.Answer answer = harness.operator().post("/api/v1/rollouts", spec);
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.error()).isEqualTo(error);
    }

    private JsonNode command(long id, String command) {
        Http.Answer answer = harness.operator().post("/api/v1/rollouts/" + id + "/" + command, Map.of());
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.json();
    }
}

package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The control plane's own timer, which nothing in a test steps by hand: heartbeats and timeouts happen by it. */
@ParameterizedClass
@EnumSource(TestStore.class)
class TimerTest {

    @Parameter
    TestStore store;

    @Test
    void theTimerWritesHeartbeatsAndTimesDevicesOut(@TempDir Path dir) {
        try (ControlHarness harness = new ControlHarness(store, dir, Duration.ofMillis(20))) {
            SimulatedDevice camera = harness.enrol("cam-1", "cameras", Map.of());
            harness.publish("fashion", 1);
            camera.poll();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> harness.column("SELECT last_seen FROM devices").getFirst() != null);

            long id = harness.startRollout(Map.of(
                    "model",
                    "fashion",
                    "version",
                    1,
                    "target",
                    Map.of("group", "cameras"),
                    "gates",
                    Map.of("device_timeout_seconds", 60),
                    "on_failure",
                    "pause"));
            harness.clock.advance(Duration.ofSeconds(61));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> harness.rollout(id).path("state").asText().equals("paused"));
            assertThat(harness.tally(id, 0, "timed_out")).isEqualTo(1);
        }
    }
}

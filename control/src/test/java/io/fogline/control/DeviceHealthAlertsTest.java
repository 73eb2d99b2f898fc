package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.core.telemetry.DeviceHealth;
import io.fogline.core.telemetry.TelemetryBatch;
import io.fogline.core.telemetry.TelemetryJson;
import io.fogline.core.telemetry.TelemetryWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Devices' health windows: a hot, a full and a starved device are alerted on, a healthy one is not. */
class DeviceHealthAlertsTest extends OnBothDatabases {

    private static final long GIB = 1L << 30;

    private SimulatedDevice hot;
    private SimulatedDevice full;
    private SimulatedDevice starved;
    private SimulatedDevice fine;

    @BeforeEach
    void start() {
        hot = harness.enrol("cam-hot", "cameras", Map.of());
        full = harness.enrol("cam-full", "cameras", Map.of());
        starved = harness.enrol("cam-starved", "cameras", Map.of());
        fine = harness.enrol("cam-fine", "cameras", Map.of());
    }

    private static DeviceHealth health(double celsius, long throttles, long diskFree, long memoryAvailable) {
        return new DeviceHealth(
                12,
                0.4,
                8 * GIB,
                memoryAvailable,
                64 * GIB,
                diskFree,
                Map.of("cpu-thermal", celsius, "gpu-thermal", celsius - 5),
                throttles);
    }

    private void send(SimulatedDevice device, DeviceHealth health) {
        Instant end = harness.clock.instant();
        TelemetryWindow window =
                TelemetryWindow.of(end.minusSeconds(60), end, 60, List.of()).withHealth(health);
        Http.Answer sent = device.http.postBytes(
                "/api/v1/devices/" + device.id + "/telemetry",
                TelemetryJson.write(new TelemetryBatch(UUID.randomUUID().toString(), List.of(window), List.of())));
        assertThat(sent.status()).as(sent.text()).isEqualTo(200);
        device.poll();
    }

    private void minute(DeviceHealth atHot, DeviceHealth atFull, DeviceHealth atStarved) {
        harness.clock.advance(Duration.ofMinutes(1));
        send(hot, atHot);
        send(full, atFull);
        send(starved, atStarved);
        send(fine, health(55, 0, 30 * GIB, 4 * GIB));
        harness.control().heartbeats().flush();
        harness.control().monitor().evaluate();
    }

    private List<String> open() {
        return StreamSupport.stream(
                        harness.operator()
                                .get("/api/v1/alerts?state=open")
                                .json()
                                .spliterator(),
                        false)
                .map(alert -> alert.path("kind").asText() + " "
                        + alert.path("message").asText())
                .sorted()
                .toList();
    }

    @Test
    void aHotAFullAndAStarvedDeviceRaiseTheirAlertsWhichClearWhenTheyRecover() {
        minute(health(70, 0, 30 * GIB, 4 * GIB), health(50, 0, 30 * GIB, 4 * GIB), health(50, 0, 30 * GIB, 4 * GIB));
        minute(health(91.5, 3, 30 * GIB, 4 * GIB), health(50, 0, GIB, 4 * GIB), health(50, 0, 30 * GIB, GIB / 4));

        assertThat(open())
                .containsExactly(
                        "device_hot cam-hot: cpu-thermal reached 91.5 °C (limit 85.0 °C), 3 heat throttling events",
                        "disk_low cam-full: 1.6% of the data directory's disk free (1024 MiB), below 5.0%",
                        "memory_low cam-starved: 3.1% of memory available (256 MiB), below 5.0%");
        JsonNode devices =
                harness.operator().get("/api/v1/device-health?minutes=5").json().path("devices");
        assertThat(devices).hasSize(4);
        JsonNode hottest = devices.get(2);
        assertThat(hottest.path("device_id").asText()).isEqualTo("cam-hot");
        assertThat(hottest.path("hottest_celsius").asDouble()).isEqualTo(91.5);
        assertThat(hottest.path("health").path("throttle_events").asLong()).isEqualTo(3);
        assertThat(hottest.path("problems").toString()).isEqualTo("[\"device_hot\"]");
        assertThat(harness.operator()
                        .get("/api/v1/device-health?minutes=5&device=cam-full")
                        .json()
                        .path("windows"))
                .hasSize(2);

        for (int minute = 0; minute < 6; minute++) {
            minute(
                    health(60, 0, 30 * GIB, 4 * GIB),
                    health(50, 0, 30 * GIB, 4 * GIB),
                    health(50, 0, 30 * GIB, 4 * GIB));
        }
        assertThat(open()).isEmpty();
    }
}

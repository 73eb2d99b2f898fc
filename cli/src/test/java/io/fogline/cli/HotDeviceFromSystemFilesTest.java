package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogline.bench.sim.OperatorApi;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import io.fogline.control.monitor.Alert;
import io.fogline.control.monitor.FieldLimits;
import io.fogline.control.monitor.MonitorOptions;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.ota.OtaOptions;
import io.fogline.node.telemetry.TelemetryOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node reads its device health from a host's {@code /proc} and {@code /sys} (a tree written by the test, as a
 * container given the host's under {@code --host-root} would see them), sends it in its telemetry, and the control
 * plane, holding devices to 80 °C ({@code fogline control --hot-celsius 80}), opens {@code device_hot} for it once
 * its CPU package zone reads 93.5 °C.
 */
class HotDeviceFromSystemFilesTest {

    @TempDir
    Path dir;

    private ControlPlane control;
    private FoglineNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (control != null) {
            control.close();
        }
    }

    private void write(String relative, String content) throws IOException {
        Path file = dir.resolve("host").resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private void host(long packageMillidegrees) throws IOException {
        write("proc/stat", "cpu  4000 0 100 9000 50 0 10 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\n");
        write("proc/meminfo", "MemTotal:        8000000 kB\nMemAvailable:    4000000 kB\n");
        write("sys/class/thermal/thermal_zone0/type", "x86_pkg_temp\n");
        write("sys/class/thermal/thermal_zone0/temp", packageMillidegrees + "\n");
        write("sys/class/thermal/thermal_zone1/type", "acpitz\n");
        write("sys/class/thermal/thermal_zone1/temp", "41000\n");
    }

    @Test
    void aThermalZoneOverTheLimitOpensDeviceHot() throws Exception {
        host(93_500);
        Path trust = dir.resolve("trust-store.json");
        TrustStore.of(SigningKey.generate().trusted()).save(trust);
        control = ControlPlane.start(ControlOptions.defaults(dir.resolve("control"))
                .withHttp("127.0.0.1", 0)
                .withTrustStore(trust)
                .withPollInterval(Duration.ofSeconds(1))
                .withMonitor(MonitorOptions.defaults()
                        .withFieldLimits(FieldLimits.defaults().withLimits(0.05, 80, 0.0, 0.0))));
        URI base = URI.create("http://127.0.0.1:" + control.port());
        String token =
                new OperatorApi(base, control.adminToken(), HttpClient.newHttpClient()).enrolmentToken("cameras", 1);
        Path home = Files.createDirectories(dir.resolve("cam-1"));
        node = FoglineNode.start(NodeOptions.defaults(Files.createDirectories(home.resolve("models")))
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withOta(new OtaOptions(base, token, "cam-1", Map.of(), home.resolve("ota"), trust)
                        .withTelemetry(new TelemetryOptions(
                                        Duration.ofSeconds(1),
                                        TelemetryOptions.defaults().outboxMaxBytes(),
                                        TelemetryOptions.defaults().batchMaxBytes(),
                                        TelemetryOptions.defaults().maxMergedWindows())
                                .withHostRoot(dir.resolve("host")))));

        assertThat(awaitAlerts(alerts -> !alerts.isEmpty())).singleElement().satisfies(alert -> {
            assertThat(alert.kind()).isEqualTo("device_hot");
            assertThat(alert.deviceId()).isEqualTo("cam-1");
            assertThat(alert.message()).contains("x86_pkg_temp reached 93.5 °C (limit 80.0 °C)");
        });
    }

    /** Evaluates alerts as the control plane's timer does until the open ones satisfy {@code done}. */
    private List<Alert> awaitAlerts(java.util.function.Predicate<List<Alert>> done) {
        return await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            control.heartbeats().flush();
                            control.monitor().evaluate();
                            return control.alerts().list("open").stream()
                                    .filter(alert -> !alert.kind().equals("silence"))
                                    .toList();
                        },
                        done);
    }
}

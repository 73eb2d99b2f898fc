package io.fogline.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetSimulationTest {

    @TempDir
    Path work;

    @Test
    void everyVirtualDevicePollsAndSwitchesToTheRolledOutBundle() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SimOptions options = new SimOptions(
                40,
                work,
                null,
                Duration.ofSeconds(1),
                Duration.ofSeconds(3),
                Duration.ofSeconds(2),
                "1",
                4,
                Duration.ofSeconds(600),
                1,
                8,
                List.of(),
                null,
                null,
                Duration.ofSeconds(1));

        SimReport report = new FleetSimulation(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

        assertThat(report.database()).isEqualTo("SQLite");
        assertThat(report.pollsPerSecond()).isPositive();
        assertThat(report.p99Millis())
                .isGreaterThanOrEqualTo(report.p50Millis())
                .isPositive();
        // each device's first poll (a 200) falls in the warm-up unless the machine stalls for seconds
        assertThat(report.notModifiedShare()).isGreaterThan(0.5);
        assertThat(report.failures()).isZero();
        assertThat(report.switched()).isEqualTo(40);
        assertThat(report.rolloutSeconds()).isNotNull();
        assertThat(report.rolloutState()).isEqualTo("completed");
        assertThat(report.telemetryBatches())
                .as("a window a second from each device")
                .isPositive();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("enrolled 40 devices")
                .contains("rollout completed, wave 4: 40 of 40 devices switched");
    }

    @Test
    void aFleetSpreadOverTheReplicasOfAControlPlaneElsewhereTakesItsRollout() throws Exception {
        SigningKey key = SigningKey.generate();
        Path keyFile = work.resolve("signing-key.json");
        key.write(keyFile);
        Path data = Files.createDirectories(work.resolve("elsewhere"));
        TrustStore.of(key.trusted()).save(data.resolve("trust-store.json"));
        try (ControlPlane control = ControlPlane.start(ControlOptions.defaults(data)
                .withHttp("127.0.0.1", 0)
                .withAdminToken("sim-admin")
                .withPollInterval(Duration.ofSeconds(1)))) {
            URI replica = URI.create("http://127.0.0.1:" + control.port());
            SimOptions options = new SimOptions(
                    20,
                    work.resolve("sim"),
                    null,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(2),
                    "1",
                    4,
                    Duration.ofSeconds(600),
                    1,
                    8,
                    List.of(replica, replica),
                    "sim-admin",
                    keyFile,
                    Duration.ofSeconds(1));

            SimReport report = new FleetSimulation(options, new PrintStream(OutputStream.nullOutputStream())).run();

            assertThat(report.database()).isEqualTo("a control plane elsewhere, 2 replica(s)");
            assertThat(report.failures()).isZero();
            assertThat(report.rolloutState()).isEqualTo("completed");
            assertThat(control.health().health(Duration.ofMinutes(5)).devices())
                    .as("devices that run the model sent telemetry of it")
                    .anySatisfy(
                            device -> assertThat(device.figures().requests()).isPositive());
        }
    }

    @Test
    void optionsItCannotRunAreNamedTogether() {
        SimOptions options = new SimOptions(
                0,
                work,
                null,
                Duration.ZERO,
                Duration.ofSeconds(-1),
                Duration.ZERO,
                "1",
                0.5,
                Duration.ZERO,
                1,
                0,
                List.of(URI.create("http://127.0.0.1:8080")),
                null,
                null,
                Duration.ofSeconds(-1));

        assertThat(options.problems())
                .isEqualTo("--devices must be at least 1, got 0; --poll-interval must be at least 1 s;"
                        + " --measure must be positive; --warm-up must not be negative;"
                        + " --connections must be at least 1, got 0; --control needs --admin-token (or"
                        + " $FOGLINE_ADMIN_TOKEN); --control needs --signing-key, a key the control plane trusts, to"
                        + " roll a bundle out; --telemetry-every must not be negative; --device-timeout must be at"
                        + " least 1 s; --factor must be above 1, got 0.5");
    }
}

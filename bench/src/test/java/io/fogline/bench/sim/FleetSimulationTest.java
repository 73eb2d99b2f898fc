package io.fogline.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetSimulationTest {

    @TempDir
    Path work;

    @Test
    void everyVirtualDevicePollsAndSwitchesToTheRolledOutBundle() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SimOptions options = new SimOptions(
                40, work, null, Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(2), "1", 4, 1, 8);

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
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("enrolled 40 devices")
                .contains("rollout completed, wave 4: 40 of 40 devices switched");
    }

    @Test
    void optionsItCannotRunAreNamedTogether() {
        SimOptions options =
                new SimOptions(0, work, null, Duration.ZERO, Duration.ofSeconds(-1), Duration.ZERO, "1", 0.5, 1, 0);

        assertThat(options.problems())
                .isEqualTo("--devices must be at least 1, got 0; --poll-interval must be at least 1 s;"
                        + " --measure must be positive; --warm-up must not be negative;"
                        + " --connections must be at least 1, got 0; --factor must be above 1, got 0.5");
    }
}

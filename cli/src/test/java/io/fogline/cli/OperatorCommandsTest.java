package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's commands against a real control plane (SQLite) over HTTP, as a user runs them. */
class OperatorCommandsTest {

    @TempDir
    Path dataDir;

    private ControlPlane control;

    @BeforeEach
    void start() throws Exception {
        control = ControlPlane.start(ControlOptions.defaults(dataDir)
                .withHttp("127.0.0.1", 0)
                .withTime(java.time.Clock.systemUTC(), Duration.ZERO));
    }

    @AfterEach
    void stop() {
        control.close();
    }

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    private String[] connected(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--control";
        all[args.length + 1] = "http://127.0.0.1:" + control.port();
        all[args.length + 2] = "--data-dir";
        all[args.length + 3] = dataDir.toString();
        return all;
    }

    @Test
    void anEnrolmentTokenIsPrintedAndTheFleetListed() {
        CommandRun token = run(connected("enrol-token", "--group", "cameras", "--uses", "3"));
        assertThat(token.exitCode()).as(token.err()).isZero();
        assertThat(token.out().trim()).matches("[A-Za-z0-9_-]{43}");
        CommandRun devices = run(connected("devices"));
        assertThat(devices.exitCode()).as(devices.err()).isZero();
        assertThat(devices.out()).startsWith("device ").contains("desired");
    }

    @Test
    void aRefusalIsPrintedWithTheControlPlanesReason() {
        CommandRun start =
                run(connected("rollout", "start", "--model", "fashion", "--version", "9", "--group", "cameras"));
        assertThat(start.exitCode()).isEqualTo(1);
        assertThat(start.err()).isEqualTo("fogline: 404: no published bundle of model 'fashion' version 9\n");
        CommandRun status = run(connected("rollout", "status", "7"));
        assertThat(status.err()).isEqualTo("fogline: 404: no rollout 7\n");
    }

    @Test
    void aWrongTokenIsRefused() {
        CommandRun status =
                run("rollout", "status", "--control", "http://127.0.0.1:" + control.port(), "--token", "nope");
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.err())
                .isEqualTo("fogline: 401: unknown credential: neither the admin token nor a device's\n");
    }
}

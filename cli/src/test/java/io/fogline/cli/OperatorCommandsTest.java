package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.bundle.BundleWriter;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's commands against a real control plane (SQLite) over HTTP, as a user runs them. */
class OperatorCommandsTest {

    @TempDir
    Path dataDir;

    private ControlPlane control;
    private final SigningKey key = SigningKey.generate();

    @BeforeEach
    void start() throws Exception {
        TrustStore.of(key.trusted()).save(dataDir.resolve("trust-store.json"));
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
    void federatedJobsAreListedAndOneThisControlPlaneCannotRunIsRefusedInOneLine() {
        CommandRun status = run(connected("federated", "status"));
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).startsWith("id ").contains("state").doesNotContain("fl-");

        CommandRun start =
                run(connected("federated", "start", "--model", "fashion", "--version", "1", "--group", "cameras"));
        assertThat(start.exitCode()).isEqualTo(1);
        assertThat(start.err())
                .startsWith("fogline: ")
                .contains("this control plane was started without a model trainer, so it runs no federated jobs")
                .doesNotContain("\tat ");
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
    void aBundleIsPublishedAndRolledOutAndTheRolloutIsShownAndSteered() throws Exception {
        Path bundle = pack();
        CommandRun publish = run(connected("publish", bundle.toString()));
        assertThat(publish.exitCode()).as(publish.err()).isZero();
        assertThat(publish.out()).matches("published fashion version 3 as bundle [0-9a-f]{64}\n");
        assertThat(run(connected("publish", bundle.toString())).out())
                .startsWith("already published: fashion version 3");

        String token = run(connected("enrol-token", "--group", "cameras", "--uses", "3"))
                .out()
                .trim();
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> enrolled = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control.port() + "/api/v1/enrol"))
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"token\":\"" + token + "\",\"device_id\":\"cam-" + i + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(enrolled.statusCode()).isEqualTo(201);
        }

        CommandRun start = run(connected(
                "rollout",
                "start",
                "--model",
                "fashion",
                "--version",
                "3",
                "--group",
                "cameras",
                "--canary",
                "1",
                "--failure-threshold",
                "0.2",
                "--min-sample",
                "2",
                "--golden",
                "--max-p95-ms",
                "50",
                "--bake-seconds",
                "300",
                "--max-escalation-rate-increase",
                "0.05",
                "--max-accuracy-drop",
                "0.03"));
        assertThat(start.exitCode()).as(start.err()).isZero();
        assertThat(start.out())
                .contains("rollout 1: fashion version 3 (bundle ")
                .contains("RUNNING, wave 0 of 2")
                .contains("target: group 'cameras', 3 devices; waves: canary 1, then x2 as each passes;"
                        + " on failure: rollback; approval: none")
                .contains("gates: success >= 100%, failure <= 20% (minimum sample 2), device timeout 1800 s,"
                        + " golden test passed, p95_ms <= 50, live over 300 s of baking (100 requests, 20 labels a"
                        + " side), escalation_rate increase <= 0.05, accuracy drop <= 0.03")
                .containsPattern("\\n  0 +1  running +0 +0 +0 +0 +1 *\\n")
                .containsPattern("\\n  1 +2  planned +- +- +- +- +- *\\n");

        CommandRun paused = run(connected("rollout", "pause", "1"));
        assertThat(paused.out()).contains("PAUSED, wave 0 of 2").contains("why: paused by operator");
        CommandRun again = run(connected("rollout", "approve", "1"));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("fogline: 409: rollout 1 is paused: cannot approve\n");
        CommandRun list = run(connected("rollout", "status"));
        assertThat(list.out()).containsPattern("\\n1 +fashion +3  paused +wave 0 of 2\\n");
    }

    private Path pack() throws Exception {
        Path files = Files.createDirectories(dataDir.resolve("fashion-3"));
        Files.write(files.resolve("model.onnx"), new byte[] {1, 2, 3});
        Files.writeString(files.resolve("golden.json"), "{\"tolerance\":{\"absolute\":0.001},\"cases\":[]}");
        Files.writeString(files.resolve("reference-stats.json"), "{\"inputs\":{},\"outputs\":{}}");
        Path bundle = dataDir.resolve("fashion-3.fbundle");
        BundleWriter.pack(files, "fashion", 3, Instant.parse("2026-11-23T14:00:00Z"), Optional.of(key), bundle);
        return bundle;
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

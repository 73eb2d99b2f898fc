package io.fogline.node.ota;

import static io.fogline.node.ota.OtaFixtures.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.bundle.Sha256;
import io.fogline.core.device.DesiredModel;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills a node in a child JVM in the middle of an update, at every step, and restarts it: it must come back serving
 * a tested model and finish the update, with each report applied once and in order.
 */
class OtaKillTest {

    @TempDir
    static Path shared;

    private static OtaFixtures fixtures;
    private static ControlPlaneStandIn control;
    private static Path v1;
    private static Path v2;
    private static String v1Digest;
    private static String v2Digest;

    @BeforeAll
    static void packBundles() throws Exception {
        fixtures = new OtaFixtures(shared);
        control = new ControlPlaneStandIn();
        v1 = fixtures.bundle(1, 1);
        v2 = fixtures.bundle(2, 2);
        v1Digest = control.publish(v1);
        v2Digest = control.publish(v2);
    }

    @AfterAll
    static void stopControlPlane() {
        control.close();
    }

    /** Installs version 1 with a node in this JVM, then stops it; the child nodes go on from its state. */
    private static void installVersionOne(Path dir, String device) throws Exception {
        control.desire(device, new DesiredModel(MODEL, 1, v1Digest, 1));
        try (FoglineNode node = OtaUpdateTest.startNode(dir, control, fixtures.trustFile, device)) {
            assertThat(OtaUpdateTest.awaitOutcome(control, device, 1)
                            .path("status")
                            .asText())
                    .isEqualTo("switched");
        }
    }

    private static ChildNode child(Path dir, String device, Step haltAt, String log) throws Exception {
        return ChildNode.start(
                dir.resolve("models"),
                dir.resolve("data"),
                control.uri(),
                fixtures.trustFile,
                device,
                haltAt,
                dir.resolve(log));
    }

    @ParameterizedTest
    @EnumSource(
            value = Step.class,
            names = {"DOWNLOADING", "VERIFYING", "UNPACKING", "LOADING", "TESTING", "SWITCHING", "REPORTING"})
    void servesATestedModelAfterAKillAndFinishesTheUpdate(Step step, @TempDir Path dir) throws Exception {
        String device = "kill-" + step.name().toLowerCase(java.util.Locale.ROOT);
        installVersionOne(dir, device);
        control.desire(device, new DesiredModel(MODEL, 2, v2Digest, 2));

        try (ChildNode halted = child(dir, device, step, "halted.log")) {
            assertThat(halted.awaitExit()).as(halted.output()).isEqualTo(137);
            assertThat(halted.output()).contains("halting at step " + step);
        }
        try (ChildNode restarted = child(dir, device, null, "restarted.log")) {
            NodeClient client = new NodeClient(restarted.awaitReady());
            assertThat(OtaFixtures.servedVersions(client))
                    .as(restarted.output())
                    .hasSize(1);
            OtaFixtures.assertServesOneOf(client, v1, v2);

            JsonNode outcome = OtaUpdateTest.awaitOutcome(control, device, 2);

            assertThat(outcome.path("status").asText()).as(restarted.output()).isEqualTo("switched");
            assertThat(OtaFixtures.servedVersions(client)).containsExactly(2L);
            OtaFixtures.assertServes(client, v2);
        }
        assertThat(control.statuses(device, 2))
                .containsExactly("downloading", "verifying", "unpacking", "loading", "testing", "switched");
        assertThat(control.reports(device))
                .extracting(report -> report.path("seq").asLong())
                .isSorted()
                .doesNotHaveDuplicates();
    }

    @Test
    void resumesADownloadKilledHalfWayFromThePartialFile(@TempDir Path dir) throws Exception {
        String device = "kill-mid-download";
        installVersionOne(dir, device);
        byte[] model = OtaFixtures.entry(v2, "model.onnx");
        String sha256 = Sha256.of(model);
        Path part = dir.resolve("data/blobs/" + sha256 + ".part");
        control.stallAfterFirstChunk(sha256);
        control.desire(device, new DesiredModel(MODEL, 2, v2Digest, 3));

        long partial;
        try (ChildNode killed = child(dir, device, null, "killed.log")) {
            killed.awaitReady();
            partial = await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> Files.exists(part) ? Files.size(part) : 0L, size -> size >= 16 * 1024);
            killed.kill();
        }
        control.release();
        try (ChildNode restarted = child(dir, device, null, "restarted.log")) {
            NodeClient client = new NodeClient(restarted.awaitReady());

            assertThat(OtaUpdateTest.awaitOutcome(control, device, 3)
                            .path("status")
                            .asText())
                    .as(restarted.output())
                    .isEqualTo("switched");
            assertThat(OtaFixtures.servedVersions(client)).containsExactly(2L);
            OtaFixtures.assertServes(client, v2);
        }
        assertThat(partial).isLessThan(model.length);
        assertThat(control.blobRequests()).contains(sha256 + " -", sha256 + " bytes=" + partial + "-");
    }
}

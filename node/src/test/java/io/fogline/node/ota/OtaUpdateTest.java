package io.fogline.node.ota;

import static io.fogline.node.ota.OtaFixtures.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.core.device.DesiredModel;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeClient;
import io.fogline.node.NodeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent in a node of this JVM against the stand-in control plane, over real HTTP. */
class OtaUpdateTest {

    static final String DEVICE = "cam-17";

    @TempDir
    Path dir;

    private OtaFixtures fixtures;
    private ControlPlaneStandIn control;
    private FoglineNode node;

    @BeforeEach
    void startControlPlane() throws Exception {
        fixtures = new OtaFixtures(dir);
        control = new ControlPlaneStandIn();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        control.close();
    }

    static FoglineNode startNode(Path dir, ControlPlaneStandIn control, Path trust, String device) throws Exception {
        OtaOptions ota = new OtaOptions(
                control.uri(), ControlPlaneStandIn.TOKEN, device, Map.of("site", "berlin"), dir.resolve("data"), trust);
        Files.createDirectories(dir.resolve("models"));
        return FoglineNode.start(NodeOptions.defaults(dir.resolve("models"))
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withOta(ota));
    }

    static JsonNode awaitOutcome(ControlPlaneStandIn control, String device, long actionId) {
        return await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> control.outcome(device, actionId), outcome -> outcome != null);
    }

    @Test
    void installsTheDesiredBundleReportingEveryStepInOrder() throws Exception {
        Path v1 = fixtures.bundle(1, 1);
        control.desire(DEVICE, new DesiredModel(MODEL, 1, control.publish(v1), 41));

        node = startNode(dir, control, fixtures.trustFile, DEVICE);
        JsonNode outcome = awaitOutcome(control, DEVICE, 41);

        assertThat(outcome.path("status").asText()).isEqualTo("switched");
        assertThat(outcome.path("quality").path("golden_passed").asBoolean()).isTrue();
        assertThat(outcome.path("quality").path("escalation_rate").asDouble(-1)).isZero();
        assertThat(outcome.path("running").toString()).isEqualTo("[{\"model\":\"fashion\",\"version\":1}]");
        assertThat(control.statuses(DEVICE, 41))
                .containsExactly("downloading", "verifying", "unpacking", "loading", "testing", "switched");
        assertThat(control.reports(DEVICE))
                .extracting(r -> r.path("seq").asLong())
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        NodeClient client = new NodeClient(node.port());
        assertThat(OtaFixtures.servedVersions(client)).containsExactly(1L);
        OtaFixtures.assertServes(client, v1);
    }

    @Test
    void reportsTheShareOfGoldenAnswersItsRoutingRulesWouldEscalate() throws Exception {
        // Three classes from random weights: no answer is 99.9% sure, so every golden answer would go to the parent.
        Path v1 = fixtures.bundle(
                1,
                1,
                "\"routing\": {\"escalate_when\": {\"max_probability_below\": 0.999},"
                        + " \"parents\": [{\"name\": \"fog\", \"url\": \"http://127.0.0.1:9\", \"model\": \"big\"}]}");
        control.desire(DEVICE, new DesiredModel(MODEL, 1, control.publish(v1), 41));

        node = startNode(dir, control, fixtures.trustFile, DEVICE);
        JsonNode outcome = awaitOutcome(control, DEVICE, 41);

        assertThat(outcome.path("status").asText()).isEqualTo("switched");
        assertThat(outcome.path("quality").path("escalation_rate").asDouble()).isEqualTo(1.0);
    }

    @Test
    void switchesToTheNextVersionDownloadingOnlyTheFilesItLacks() throws Exception {
        Path v1 = fixtures.bundle(1, 1);
        Path v2 = fixtures.bundle(2, 2);
        control.desire(DEVICE, new DesiredModel(MODEL, 1, control.publish(v1), 41));
        node = startNode(dir, control, fixtures.trustFile, DEVICE);
        awaitOutcome(control, DEVICE, 41);
        int requestsForV1 = control.blobRequests().size();

        control.desire(DEVICE, new DesiredModel(MODEL, 2, control.publish(v2), 42));
        JsonNode outcome = awaitOutcome(control, DEVICE, 42);

        assertThat(outcome.path("status").asText()).isEqualTo("switched");
        NodeClient client = new NodeClient(node.port());
        assertThat(OtaFixtures.servedVersions(client)).containsExactly(2L);
        OtaFixtures.assertServes(client, v2);
        // config.json and labels.txt are the same bytes in both versions: only the model, golden and stats travel.
        assertThat(requestsForV1).isEqualTo(5);
        assertThat(control.blobRequests()
                        .subList(requestsForV1, control.blobRequests().size()))
                .hasSize(3);
        assertThat(dir.resolve("models/fashion/1")).isDirectory();
        assertThat(dir.resolve("models/fashion/config.json")).content().contains("\"specific\" : [ 2 ]");
    }

    @Test
    void keepsTheOldSlotWhenTheGoldenTestFails() throws Exception {
        Path v1 = fixtures.bundle(1, 1);
        Path v2 = fixtures.bundle(2, 2, fixtures.key, fixtures.goldenOf(v1));
        control.desire(DEVICE, new DesiredModel(MODEL, 1, control.publish(v1), 41));
        node = startNode(dir, control, fixtures.trustFile, DEVICE);
        awaitOutcome(control, DEVICE, 41);

        control.desire(DEVICE, new DesiredModel(MODEL, 2, control.publish(v2), 42));
        JsonNode outcome = awaitOutcome(control, DEVICE, 42);

        assertThat(outcome.path("status").asText()).isEqualTo("failed");
        assertThat(outcome.path("reason").asText())
                .startsWith("golden_failed: case 0: output 'probabilities' element ");
        assertThat(outcome.path("quality").path("golden_passed").asBoolean(true))
                .isFalse();
        assertThat(control.statuses(DEVICE, 42))
                .containsExactly("downloading", "verifying", "unpacking", "loading", "testing", "failed");
        NodeClient client = new NodeClient(node.port());
        assertThat(OtaFixtures.servedVersions(client)).containsExactly(1L);
        OtaFixtures.assertServes(client, v1);
        assertThat(dir.resolve("models/fashion/2")).doesNotExist();
    }

    @Test
    void keepsServingItsModelsWhenTheControlPlaneIsGone() throws Exception {
        Path v1 = fixtures.bundle(1, 1);
        control.desire(DEVICE, new DesiredModel(MODEL, 1, control.publish(v1), 41));
        node = startNode(dir, control, fixtures.trustFile, DEVICE);
        awaitOutcome(control, DEVICE, 41);
        node.close();
        node = null;
        control.close();

        node = startNode(dir, control, fixtures.trustFile, DEVICE);

        NodeClient client = new NodeClient(node.port());
        assertThat(OtaFixtures.servedVersions(client)).containsExactly(1L);
        OtaFixtures.assertServes(client, v1);
    }

    @Test
    void reportsAnActionForTheBundleItAlreadyRunsAsSwitchedWithoutDownloading() throws Exception {
        Path v1 = fixtures.bundle(1, 1);
        String digest = control.publish(v1);
        control.desire(DEVICE, new DesiredModel(MODEL, 1, digest, 41));
        node = startNode(dir, control, fixtures.trustFile, DEVICE);
        awaitOutcome(control, DEVICE, 41);
        List<String> before = control.blobRequests();

        control.desire(DEVICE, new DesiredModel(MODEL, 1, digest, 43));

        assertThat(awaitOutcome(control, DEVICE, 43).path("status").asText()).isEqualTo("switched");
        assertThat(control.statuses(DEVICE, 43)).containsExactly("switched");
        assertThat(control.blobRequests()).isEqualTo(before);
    }
}

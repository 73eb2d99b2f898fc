package io.fogline.node.ota;

import static io.fogline.node.ota.OtaFixtures.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.bundle.SigningKey;
import io.fogline.core.device.DesiredModel;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles a node must refuse: each is reported as failed with its named reason, its files never reach a slot and
 * the node keeps serving version 1.
 */
class BadBundlesTest {

    static final String DEVICE = "cam-bad";

    @TempDir
    static Path dir;

    private static OtaFixtures fixtures;
    private static ControlPlaneStandIn control;
    private static FoglineNode node;
    private static Path v1;
    private static long nextAction = 100;

    @BeforeAll
    static void installVersionOne() throws Exception {
        fixtures = new OtaFixtures(dir);
        control = new ControlPlaneStandIn();
        v1 = fixtures.bundle(1, 1);
        control.desire(DEVICE, new DesiredModel(MODEL, 1, control.publish(v1), 1));
        node = OtaUpdateTest.startNode(dir, control, fixtures.trustFile, DEVICE);
        assertThat(OtaUpdateTest.awaitOutcome(control, DEVICE, 1).path("status").asText())
                .isEqualTo("switched");
    }

    @AfterAll
    static void stop() {
        node.close();
        control.close();
    }

    /** Asks the node to install version 2 from {@code digest} and returns the report that ended the action. */
    private JsonNode offer(String digest) throws Exception {
        long action = nextAction++;
        control.desire(DEVICE, new DesiredModel(MODEL, 2, digest, action));
        JsonNode outcome = OtaUpdateTest.awaitOutcome(control, DEVICE, action);
        NodeClient client = new NodeClient(node.port());
        assertThat(OtaFixtures.servedVersions(client)).containsExactly(1L);
        OtaFixtures.assertServes(client, v1);
        assertThat(dir.resolve("models/fashion/2")).doesNotExist();
        assertThat(outcome.path("status").asText()).isEqualTo("failed");
        return outcome;
    }

    @Test
    void refusesASignatureThatIsNotOverTheManifest() throws Exception {
        Path bundle = fixtures.bundle(2, 20);
        Path other = fixtures.bundle(2, 21);
        String digest = control.publish(bundle);
        control.publish(OtaFixtures.entry(bundle, "manifest.json"), OtaFixtures.entry(other, "signature.json"));

        assertThat(offer(digest).path("reason").asText())
                .isEqualTo(
                        "bad_signature: signature by key '" + fixtures.key.keyId() + "' does not match manifest.json");
    }

    @Test
    void refusesABundleSignedByAnUnknownKey() throws Exception {
        SigningKey stranger = SigningKey.generate();
        Path bundle = fixtures.bundle(2, 22, stranger, null);

        assertThat(offer(control.publish(bundle)).path("reason").asText())
                .isEqualTo("unknown_key: signature by unknown key '" + stranger.keyId() + "'");
    }

    @Test
    void refusesAFileWithAFlippedByte() throws Exception {
        Path bundle = fixtures.bundle(2, 23);
        byte[] model = OtaFixtures.entry(bundle, "model.onnx");
        model[model.length / 2] ^= 0x10;

        assertThat(offer(control.publish(bundle, Map.of("model.onnx", model)))
                        .path("reason")
                        .asText())
                .startsWith("digest_mismatch: 'model.onnx' has SHA-256 ");
    }

    @Test
    void refusesATruncatedFile() throws Exception {
        Path bundle = fixtures.bundle(2, 24);
        byte[] model = OtaFixtures.entry(bundle, "model.onnx");
        byte[] truncated = Arrays.copyOf(model, model.length - 1000);

        assertThat(offer(control.publish(bundle, Map.of("model.onnx", truncated)))
                        .path("reason")
                        .asText())
                .isEqualTo("size_mismatch: 'model.onnx' is " + truncated.length + " bytes, the manifest says "
                        + model.length);
    }

    @Test
    void refusesAManifestPathThatClimbsOutOfTheSlotEvenWhenSigned() throws Exception {
        Path bundle = fixtures.bundle(2, 25);
        control.publish(bundle);
        String manifest = new String(OtaFixtures.entry(bundle, "manifest.json"), StandardCharsets.UTF_8)
                .replace("\"labels.txt\"", "\"../../../evil/labels.txt\"");
        byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
        String digest =
                control.publish(manifestBytes, fixtures.key.sign(manifestBytes).toJsonBytes());

        assertThat(offer(digest).path("reason").asText())
                .isEqualTo("unsafe_path: path '../../../evil/labels.txt' climbs out of its directory");
        try (var walk = Files.walk(dir)) {
            assertThat(walk.filter(p -> p.getFileName().toString().equals("evil")))
                    .isEmpty();
        }
    }

    @Test
    void refusesABundleThatIsNotTheVersionTheActionNames() throws Exception {
        Path bundle = fixtures.bundle(3, 26);

        assertThat(offer(control.publish(bundle)).path("reason").asText())
                .isEqualTo("manifest_mismatch: bundle holds fashion version 3, the action asks for fashion version 2");
    }
}

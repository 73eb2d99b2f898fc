package io.fogline.node.ota;

import static io.fogline.node.ota.OtaFixtures.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.bundle.KeyList;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.bundle.TrustedKey;
import io.fogline.core.device.DesiredModel;
import io.fogline.node.FoglineNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that trusts only a root key follows the signing keys of the key list the control plane serves: a new key
 * works without a file copied to the node, a revoked one is refused, and neither a forged list nor an older one
 * changes what it trusts.
 */
class KeyListRotationTest {

    private static final String DEVICE = "cam-17";
    private static final Instant ISSUED = Instant.parse("2026-12-06T12:00:00Z");

    @TempDir
    Path dir;

    private final SigningKey root = SigningKey.generate();
    private final SigningKey first = SigningKey.generate();
    private final SigningKey second = SigningKey.generate();
    private OtaFixtures fixtures;
    private ControlPlaneStandIn control;
    private FoglineNode node;
    private Path rootOnly;
    private long nextAction = 41;

    @BeforeEach
    void start() throws Exception {
        fixtures = new OtaFixtures(dir);
        control = new ControlPlaneStandIn();
        rootOnly = dir.resolve("root-only.json");
        TrustStore.of().withRoot(root.trusted()).save(rootOnly);
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        control.close();
    }

    @Test
    void aRotatedSigningKeyIsTrustedAndTheRevokedOneRefusedWithNoFileCopiedToTheNode() throws Exception {
        control.serveKeyList(list(1, List.of(first.trusted()), List.of()).sign(root));
        assertThat(install(1, first)).isEqualTo("switched");

        control.serveKeyList(
                list(2, List.of(second.trusted()), List.of(first.keyId())).sign(root));

        assertThat(install(2, second)).isEqualTo("switched");
        assertThat(install(3, first)).startsWith("failed revoked_key: signature by key '" + first.keyId() + "'");
    }

    @Test
    void aListSignedByAnotherKeyThanTheRootIsRefused() throws Exception {
        control.serveKeyList(list(1, List.of(first.trusted()), List.of()).sign(root));
        assertThat(install(1, first)).isEqualTo("switched");

        control.serveKeyList(
                list(2, List.of(first.trusted(), second.trusted()), List.of()).sign(first));

        assertThat(install(2, second)).startsWith("failed unknown_key: signature by unknown key");
        assertThat(install(3, first)).isEqualTo("switched");
    }

    @Test
    void anOlderListCannotBringBackARevokedKey() throws Exception {
        byte[] older = list(1, List.of(first.trusted()), List.of()).sign(root);
        control.serveKeyList(
                list(2, List.of(second.trusted()), List.of(first.keyId())).sign(root));
        assertThat(install(1, second)).isEqualTo("switched");

        control.serveKeyList(older);

        assertThat(install(2, first)).startsWith("failed revoked_key");
    }

    @Test
    void withoutAKeyListTheTrustStoreFileAloneDecides() throws Exception {
        assertThat(install(1, first)).startsWith("failed unknown_key");
    }

    private static KeyList list(long sequence, List<TrustedKey> keys, List<String> revoked) {
        return new KeyList(sequence, ISSUED, keys, revoked);
    }

    /** Desires a bundle of {@code version} signed by {@code signer}; returns the outcome and, for a failure, why. */
    private String install(long version, SigningKey signer) throws Exception {
        long action = nextAction++;
        control.desire(
                DEVICE,
                new DesiredModel(
                        MODEL, version, control.publish(fixtures.bundle(version, version, signer, null)), action));
        if (node == null) {
            node = OtaUpdateTest.startNode(dir, control, rootOnly, DEVICE);
        }
        var outcome = OtaUpdateTest.awaitOutcome(control, DEVICE, action);
        String status = outcome.path("status").asText();
        return status.equals("failed") ? status + " " + outcome.path("reason").asText() : status;
    }
}

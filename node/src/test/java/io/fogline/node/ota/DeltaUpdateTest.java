package io.fogline.node.ota;

import static io.fogline.node.ota.OtaFixtures.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.bundle.Sha256;
import io.fogline.bundle.delta.FileDelta;
import io.fogline.core.device.DesiredModel;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeClient;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new version rebuilt from the one a node runs and a delta, and the whole file whenever that cannot be. */
class DeltaUpdateTest {

    private static final String DEVICE = "cam-17";

    @TempDir
    Path dir;

    private OtaFixtures fixtures;
    private ControlPlaneStandIn control;
    private FoglineNode node;
    private Path v1;
    private Path v2;
    private String v1Model;
    private String v2Model;
    private byte[] delta;

    @BeforeEach
    void start() throws Exception {
        fixtures = new OtaFixtures(dir);
        control = new ControlPlaneStandIn();
        v1 = fixtures.fineTuned(1, 1, 1);
        v2 = fixtures.fineTuned(2, 1, 2);
        byte[] v1Bytes = OtaFixtures.entry(v1, "model.onnx");
        byte[] v2Bytes = OtaFixtures.entry(v2, "model.onnx");
        v1Model = Sha256.of(v1Bytes);
        v2Model = Sha256.of(v2Bytes);
        delta = FileDelta.between(v1Bytes, v2Bytes).orElseThrow();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        control.close();
    }

    @Test
    void rebuildsAModelWhoseLastLayerAloneChangedFromTheOneItRuns() throws Exception {
        control.offerDelta(v1Model, v2Model, delta);
        runV1ThenV2();

        assertThat(control.deltaRequests()).containsExactly(v1Model + "/" + v2Model);
        assertThat(control.blobRequests()).noneMatch(request -> request.startsWith(v2Model));
        assertThat(delta.length).isLessThan(OtaFixtures.entry(v2, "model.onnx").length / 4);
        assertServesV2();
    }

    @Test
    void aCorruptedDeltaIsRefusedAndTheWholeFileInstalledInstead() throws Exception {
        byte[] corrupted = delta.clone();
        corrupted[corrupted.length - 40] ^= 0x5a;
        control.offerDelta(v1Model, v2Model, corrupted);
        runV1ThenV2();

        assertThat(control.deltaRequests()).containsExactly(v1Model + "/" + v2Model);
        assertThat(control.blobRequests()).contains(v2Model + " -");
        assertServesV2();
    }

    @Test
    void aDeltaCutShortIsRefusedAndTheWholeFileInstalledInstead() throws Exception {
        control.offerDelta(v1Model, v2Model, Arrays.copyOf(delta, delta.length / 2));
        runV1ThenV2();

        assertThat(control.blobRequests()).contains(v2Model + " -");
        assertServesV2();
    }

    @Test
    void aNodeWithoutTheBaseDownloadsTheWholeFileWithoutAskingForADelta() throws Exception {
        control.offerDelta(v1Model, v2Model, delta);
        install(v2, 2, 42);

        assertThat(control.deltaRequests()).isEmpty();
        assertThat(control.blobRequests()).contains(v2Model + " -");
        assertServesV2();
    }

    private void runV1ThenV2() throws Exception {
        install(v1, 1, 41);
        assertThat(control.deltaRequests()).isEmpty();
        install(v2, 2, 42);
    }

    /** Desires a bundle (starting the node the first time) and waits until the node switched to it. */
    private void install(Path bundle, long version, long actionId) throws Exception {
        control.desire(DEVICE, new DesiredModel(MODEL, version, control.publish(bundle), actionId));
        if (node == null) {
            node = OtaUpdateTest.startNode(dir, control, fixtures.trustFile, DEVICE);
        }
        assertThat(OtaUpdateTest.awaitOutcome(control, DEVICE, actionId)
                        .path("status")
                        .asText())
                .isEqualTo("switched");
    }

    private void assertServesV2() throws Exception {
        NodeClient client = new NodeClient(node.port());
        assertThat(OtaFixtures.servedVersions(client)).isEqualTo(List.of(2L));
        OtaFixtures.assertServes(client, v2);
        assertThat(Sha256.of(dir.resolve("models").resolve(MODEL).resolve("2").resolve("model.onnx")))
                .isEqualTo(v2Model);
    }
}

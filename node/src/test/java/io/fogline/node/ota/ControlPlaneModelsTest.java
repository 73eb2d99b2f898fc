package io.fogline.node.ota;

import static io.fogline.node.ota.OtaFixtures.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.device.DesiredModel;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeClient;
import io.fogline.node.NodeOptions;
import io.fogline.node.NodeProtection;
import io.fogline.node.http.ModelControlMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first attack went unnoticed because the node took a local change to a model the control plane had
 * rolled out, and the control plane kept showing the version it sent. An enrolled node refuses such a change even
 * where the owner allows explicit model control: the model is the fleet's, and changes through a rollout.
 */
class ControlPlaneModelsTest {

    @TempDir
    Path dir;

    private ControlPlaneStandIn control;
    private FoglineNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        control.close();
    }

    @Test
    void aModelTheControlPlaneGaveCannotBeReloadedOrUnloadedLocally() throws Exception {
        OtaFixtures fixtures = new OtaFixtures(dir);
        control = new ControlPlaneStandIn();
        Path v1 = fixtures.bundle(1, 1);
        control.desire(OtaUpdateTest.DEVICE, new DesiredModel(MODEL, 1, control.publish(v1), 41));
        Files.createDirectories(dir.resolve("models"));
        node = FoglineNode.start(NodeOptions.defaults(dir.resolve("models"))
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withOta(new OtaOptions(
                        control.uri(),
                        ControlPlaneStandIn.TOKEN,
                        OtaUpdateTest.DEVICE,
                        Map.of(),
                        dir.resolve("data"),
                        fixtures.trustFile))
                .withProtection(NodeProtection.defaults().withModelControl(ModelControlMode.EXPLICIT)));
        OtaUpdateTest.awaitOutcome(control, OtaUpdateTest.DEVICE, 41);
        NodeClient client = new NodeClient(node.port());

        NodeClient.Reply reload = client.post(
                "/v2/repository/models/" + MODEL + "/load",
                "{\"parameters\": {\"config\": \"{\\\"intra_op_threads\\\": 1}\"}}");
        NodeClient.Reply unload = client.post("/v2/repository/models/" + MODEL + "/unload", "");

        String refusal = "{\"error\":\"model '" + MODEL
                + "' is managed by the control plane: it changes through a rollout there, not on the node\"}";
        assertThat(reload.status()).isEqualTo(400);
        assertThat(reload.text()).isEqualTo(refusal);
        assertThat(unload.status()).isEqualTo(400);
        assertThat(unload.text()).isEqualTo(refusal);
        OtaFixtures.assertServes(client, v1);
    }
}

package io.fogline.node.ota;

import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The node a kill test starts as a child process: what {@code fogline node --control …} runs, with arguments
 * {@code <model repository> <data dir> <control url> <trusted keys> <device id>}.
 */
public final class OtaNodeMain {

    private OtaNodeMain() {}

    public static void main(String[] args) throws Exception {
        OtaOptions ota = new OtaOptions(
                URI.create(args[2]),
                ControlPlaneStandIn.TOKEN,
                args[4],
                Map.of("site", "test"),
                Path.of(args[1]),
                Path.of(args[3]));
        FoglineNode node = FoglineNode.start(NodeOptions.defaults(Path.of(args[0]))
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withOta(ota));
        System.out.println("ready port=" + node.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}

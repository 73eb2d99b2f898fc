package io.fogline.bench.serving;

import io.fogline.bench.sim.OperatorApi;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A node with telemetry on, as a fleet runs it: a control plane in this process (SQLite in a directory of its own) and
 * a node process enrolled to it, which records every request into its telemetry windows and uploads each window.
 */
final class EnrolledNode implements AutoCloseable {

    /**
     * Shorter than the node's default of 60 s, and the node polls (and uploads after each poll) as often, so that
     * windows close and go to the control plane during every measured window.
     */
    static final Duration TELEMETRY_WINDOW = Duration.ofSeconds(2);

    private static final String DEVICE = "bench-node";
    private static final String BATCHES_APPLIED = "fogline_control_telemetry_batches_total{result=\"applied\"";

    private final ControlPlane control;
    private final NodeProcess node;

    private EnrolledNode(ControlPlane control, NodeProcess node) {
        this.control = control;
        this.node = node;
    }

    /** Starts the control plane and the node on {@code repository}; the node is not ready yet, see {@link #node}. */
    static EnrolledNode start(Path launcher, Path repository, Path work) throws IOException {
        Files.createDirectories(work);
        Path trust = work.resolve("trust-store.json");
        TrustStore.of(SigningKey.generate().trusted()).save(trust);
        ControlPlane control = ControlPlane.start(ControlOptions.defaults(work.resolve("control"))
                .withHttp("127.0.0.1", 0)
                .withTrustStore(trust)
                .withPollInterval(TELEMETRY_WINDOW));
        try {
            URI base = URI.create("http://127.0.0.1:" + control.port());
            String token =
                    new OperatorApi(base, control.adminToken(), HttpClient.newHttpClient()).enrolmentToken("bench", 1);
            Path tokenFile = Files.writeString(work.resolve("enrolment-token"), token);
            NodeProcess node = NodeProcess.spawnWithLauncher(
                    launcher,
                    repository,
                    work.resolve("node.log"),
                    List.of(
                            "--control",
                            base.toString(),
                            "--enrolment-token-file",
                            tokenFile.toString(),
                            "--device-id",
                            DEVICE,
                            "--data-dir",
                            work.resolve("node").toString(),
                            "--trusted-keys",
                            trust.toString(),
                            "--telemetry-window",
                            Long.toString(TELEMETRY_WINDOW.toSeconds())));
            return new EnrolledNode(control, node);
        } catch (IOException | RuntimeException e) {
            control.close();
            throw e;
        }
    }

    NodeProcess node() {
        return node;
    }

    /** Telemetry batches the control plane has taken from the node so far. */
    long telemetryBatches() {
        for (String line : control.metrics().scrape().split("\n")) {
            if (line.startsWith(BATCHES_APPLIED)) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            node.close();
        } finally {
            control.close();
        }
    }
}

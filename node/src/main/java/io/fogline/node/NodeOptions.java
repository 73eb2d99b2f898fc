package io.fogline.node;

import io.fogline.node.labels.LabelStore;
import io.fogline.node.openai.OpenAiSettings;
import io.fogline.node.ota.OtaOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * How a node runs.
 *
 * @param httpPort 0 to pick a free port
 * @param maxRequestBytes request bodies larger than this are refused with 413 before they are read whole
 * @param eventLoops HTTP event loop threads; one per core serves best when models run on their own threads
 * @param loadAllModels whether to load every model of the repository at start, rather than only on request
 * @param openAi how the OpenAI-compatible endpoints serve
 * @param ota how to reach the control plane for over-the-air updates; null for a node without one
 * @param otlpEndpoint an OTLP/HTTP metrics URL the node pushes its metrics to, or null for none
 * @param protection what the node's owner allows its network: model control, keys per API group, connection limits,
 *     what a model's config may ask for
 * @param grpcPort the port of the gRPC API on the same host, 0 to pick a free one, -1 for none
 * @param labels where and how much the node keeps of its answers for ground truth; null to keep none
 * @param pollSpin how long an event loop keeps polling its sockets after its last work before it blocks; zero to block
 *     at once
 */
public record NodeOptions(
        Path modelRepository,
        String host,
        int httpPort,
        long maxRequestBytes,
        int eventLoops,
        boolean loadAllModels,
        OpenAiSettings openAi,
        OtaOptions ota,
        URI otlpEndpoint,
        NodeProtection protection,
        int grpcPort,
        LabelStore.Options labels,
        Duration pollSpin) {

    public static final long DEFAULT_MAX_REQUEST_BYTES = 64L * 1024 * 1024;

    /**
     * Long enough to catch the next request of a client that was just answered (on a lone client a 30 µs window saved as
     * much as a 100 µs one), short enough that an idle gap costs little CPU.
     */
    public static final long DEFAULT_POLL_SPIN_MICROS = 50;

    public static NodeOptions defaults(Path modelRepository) {
        return new NodeOptions(
                modelRepository,
                "0.0.0.0",
                8000,
                DEFAULT_MAX_REQUEST_BYTES,
                Runtime.getRuntime().availableProcessors(),
                true,
                OpenAiSettings.defaults(),
                null,
                null,
                NodeProtection.defaults(),
                -1,
                null,
                Duration.ofNanos(DEFAULT_POLL_SPIN_MICROS * 1000));
    }

    public NodeOptions withHttpPort(int port) {
        return copy(b -> b.httpPort = port);
    }

    public NodeOptions withHost(String newHost) {
        return copy(b -> b.host = newHost);
    }

    public NodeOptions withMaxRequestBytes(long bytes) {
        return copy(b -> b.maxRequestBytes = bytes);
    }

    public NodeOptions withOpenAi(OpenAiSettings settings) {
        return copy(b -> b.openAi = settings);
    }

    public NodeOptions withOta(OtaOptions updates) {
        return copy(b -> b.ota = updates);
    }

    public NodeOptions withGrpcPort(int port) {
        return copy(b -> b.grpcPort = port);
    }

    public NodeOptions withOtlpEndpoint(URI url) {
        return copy(b -> b.otlpEndpoint = url);
    }

    public NodeOptions withProtection(NodeProtection guards) {
        return copy(b -> b.protection = guards);
    }

    public NodeOptions withLabels(LabelStore.Options kept) {
        return copy(b -> b.labels = kept);
    }

    public NodeOptions withPollSpin(Duration spin) {
        return copy(b -> b.pollSpin = spin);
    }

    /** Withers name only what they change, so a new component is added here once rather than in every wither. */
    private NodeOptions copy(Consumer<Copy> change) {
        Copy b = new Copy();
        change.accept(b);
        return b.build();
    }

    /** Starts as these options; {@code build()} uses the canonical constructor, so what it checks still applies. */
    private final class Copy {
        Path modelRepository = NodeOptions.this.modelRepository;
        String host = NodeOptions.this.host;
        int httpPort = NodeOptions.this.httpPort;
        long maxRequestBytes = NodeOptions.this.maxRequestBytes;
        int eventLoops = NodeOptions.this.eventLoops;
        boolean loadAllModels = NodeOptions.this.loadAllModels;
        OpenAiSettings openAi = NodeOptions.this.openAi;
        OtaOptions ota = NodeOptions.this.ota;
        URI otlpEndpoint = NodeOptions.this.otlpEndpoint;
        NodeProtection protection = NodeOptions.this.protection;
        int grpcPort = NodeOptions.this.grpcPort;
        LabelStore.Options labels = NodeOptions.this.labels;
        Duration pollSpin = NodeOptions.this.pollSpin;

        NodeOptions build() {
            return new NodeOptions(
                    modelRepository,
                    host,
                    httpPort,
                    maxRequestBytes,
                    eventLoops,
                    loadAllModels,
                    openAi,
                    ota,
                    otlpEndpoint,
                    protection,
                    grpcPort,
                    labels,
                    pollSpin);
        }
    }
}

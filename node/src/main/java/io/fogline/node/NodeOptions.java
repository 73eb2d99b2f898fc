package io.fogline.node;

import io.fogline.node.labels.LabelStore;
import io.fogline.node.openai.OpenAiSettings;
import io.fogline.node.ota.OtaOptions;
import java.net.URI;
import java.nio.file.Path;

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
        LabelStore.Options labels) {

    public static final long DEFAULT_MAX_REQUEST_BYTES = 64L * 1024 * 1024;

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
                null);
    }

    public NodeOptions withHttpPort(int port) {
        return new NodeOptions(
                modelRepository,
                host,
                port,
                maxRequestBytes,
                eventLoops,
                loadAllModels,
                openAi,
                ota,
                otlpEndpoint,
                protection,
                grpcPort,
                labels);
    }

    public NodeOptions withHost(String newHost) {
        return new NodeOptions(
                modelRepository,
                newHost,
                httpPort,
                maxRequestBytes,
                eventLoops,
                loadAllModels,
                openAi,
                ota,
                otlpEndpoint,
                protection,
                grpcPort,
                labels);
    }

    public NodeOptions withMaxRequestBytes(long bytes) {
        return new NodeOptions(
                modelRepository,
                host,
                httpPort,
                bytes,
                eventLoops,
                loadAllModels,
                openAi,
                ota,
                otlpEndpoint,
                protection,
                grpcPort,
                labels);
    }

    public NodeOptions withOpenAi(OpenAiSettings settings) {
        return new NodeOptions(
                modelRepository,
                host,
                httpPort,
                maxRequestBytes,
                eventLoops,
                loadAllModels,
                settings,
                ota,
                otlpEndpoint,
                protection,
                grpcPort,
                labels);
    }

    public NodeOptions withOta(OtaOptions updates) {
        return new NodeOptions(
                modelRepository,
                host,
                httpPort,
                maxRequestBytes,
                eventLoops,
                loadAllModels,
                openAi,
                updates,
                otlpEndpoint,
                protection,
                grpcPort,
                labels);
    }

    public NodeOptions withGrpcPort(int port) {
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
                port,
                labels);
    }

    public NodeOptions withOtlpEndpoint(URI url) {
        return new NodeOptions(
                modelRepository,
                host,
                httpPort,
                maxRequestBytes,
                eventLoops,
                loadAllModels,
                openAi,
                ota,
                url,
                protection,
                grpcPort,
                labels);
    }

    public NodeOptions withProtection(NodeProtection guards) {
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
                guards,
                grpcPort,
                labels);
    }

    public NodeOptions withLabels(LabelStore.Options kept) {
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
                kept);
    }
}

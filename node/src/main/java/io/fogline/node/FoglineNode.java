package io.fogline.node;

import io.fogline.listener.PollingTransport;
import io.fogline.node.grpc.GrpcServer;
import io.fogline.node.http.InferenceServer;
import io.fogline.node.http.NodeRoutes;
import io.fogline.node.labels.GroundTruth;
import io.fogline.node.metrics.NodeMetrics;
import io.fogline.node.metrics.NodeObserver;
import io.fogline.node.openai.OpenAiEndpoints;
import io.fogline.node.ota.OtaAgent;
import io.fogline.node.telemetry.Telemetry;
import io.fogline.routing.Router;
import io.fogline.runtime.repository.ModelManager;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A running node: its models, its metrics and its HTTP server, started and stopped together. */
public final class FoglineNode implements AutoCloseable {

    public static final String VERSION = "0.1.0";

    private static final System.Logger LOG = System.getLogger(FoglineNode.class.getName());

    private final Vertx vertx;
    private final ModelManager models;
    private final Router router;
    private final OpenAiEndpoints openAi;
    private final HttpClient upstreams;
    private final NodeMetrics metrics;
    private final InferenceServer server;
    private final int port;
    private final OtaAgent ota;
    /** With the OTA agent, whose polls carry its uploads; null without. */
    private final Telemetry telemetry;
    /** With a data directory; null without. */
    private final GroundTruth groundTruth;
    /** Null where the node serves no gRPC. */
    private final GrpcServer grpc;

    private FoglineNode(
            Vertx vertx,
            ModelManager models,
            Router router,
            OpenAiEndpoints openAi,
            HttpClient upstreams,
            NodeMetrics metrics,
            InferenceServer server,
            int port,
            OtaAgent ota,
            Telemetry telemetry,
            GroundTruth groundTruth,
            GrpcServer grpc) {
        this.vertx = vertx;
        this.models = models;
        this.router = router;
        this.openAi = openAi;
        this.upstreams = upstreams;
        this.metrics = metrics;
        this.server = server;
        this.port = port;
        this.ota = ota;
        this.telemetry = telemetry;
        this.groundTruth = groundTruth;
        this.grpc = grpc;
    }

    /** Loads the models (unless told not to) and listens; returns once the node answers requests. */
    public static FoglineNode start(NodeOptions options) {
        // Before any model loads: what an interrupted update left untested must not serve.
        OtaAgent ota = options.ota() == null ? null : prepareOta(options);
        NodeMetrics metrics = new NodeMetrics(options.otlpEndpoint());
        Telemetry telemetry = options.ota() == null
                ? null
                : Telemetry.open(
                        options.ota().telemetry(),
                        options.ota().dataDir(),
                        options.modelRepository(),
                        InstantSource.system());
        GroundTruth groundTruth =
                options.labels() == null ? null : GroundTruth.open(options.labels(), InstantSource.system());
        List<NodeObserver> observers = new ArrayList<>(List.of(metrics));
        if (telemetry != null) {
            observers.add(telemetry.recorder());
        }
        if (groundTruth != null) {
            observers.add(groundTruth.answers());
        }
        NodeObserver observer = NodeObserver.all(observers);
        if (telemetry != null && groundTruth != null) {
            groundTruth.onLabelled(labelled -> telemetry.groundTruth(
                    labelled.model(), labelled.version(), labelled.labels().length, labelled.correct()));
        }
        NodeProtection protection = options.protection();
        ModelManager models = new ModelManager(options.modelRepository(), observer, config -> {
            Router.check(config);
            protection.configs().check(config);
        });
        if (telemetry != null) {
            telemetry.startTicking(models::queueDepths);
        }
        // One client for every parent tier: its connection pool is what keeps escalations from paying a handshake.
        HttpClient upstreams =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Router router = new Router(models, observer, upstreams, System::nanoTime);
        OpenAiEndpoints openAi = new OpenAiEndpoints(models, options.openAi(), upstreams, metrics, metrics);
        // Models load while the HTTP server starts: on a small device the two together are most of the start time.
        CompletableFuture<Void> loading = options.loadAllModels()
                ? CompletableFuture.runAsync(models::loadAll, runnable -> Thread.ofPlatform()
                        .name("fogline-model-loader")
                        .start(runnable))
                : CompletableFuture.completedFuture(null);
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions()
                        .setEventLoopPoolSize(options.eventLoops())
                        .setWorkerPoolSize(Math.max(4, options.eventLoops())))
                .withTransport(PollingTransport.choose(options.pollSpin()))
                .build();
        logTransport(vertx);
        GrpcServer grpc = null;
        try {
            if (options.grpcPort() >= 0) {
                grpc = GrpcServer.start(
                        options.host(),
                        options.grpcPort(),
                        options.maxRequestBytes(),
                        models,
                        router,
                        observer,
                        VERSION,
                        InferenceServer.EXTENSIONS,
                        protection.modelControl(),
                        ota == null ? model -> false : ota::manages,
                        protection.restrictions());
            }
            InferenceServer server =
                    new InferenceServer(vertx, models, router, metrics, observer, options.maxRequestBytes(), VERSION);
            server.serveOpenAi(openAi);
            server.protect(
                    protection.modelControl(),
                    ota == null ? model -> false : ota::manages,
                    protection.restrictions(),
                    protection.connections());
            if (groundTruth != null) {
                server.serveFeedback(groundTruth);
            }
            if (protection.tlsCertificate() != null) {
                server.serveTls(protection.tlsCertificate(), protection.tlsKey());
            }
            int port = server.start(options.host(), options.httpPort(), options.eventLoops());
            loading.join();
            if (ota != null) {
                ota.start(models, telemetry, groundTruth == null ? null : groundTruth.store());
            }
            return new FoglineNode(
                    vertx, models, router, openAi, upstreams, metrics, server, port, ota, telemetry, groundTruth, grpc);
        } catch (RuntimeException e) {
            loading.join();
            if (grpc != null) {
                grpc.close();
            }
            if (ota != null) {
                ota.close();
                telemetry.close();
            }
            if (groundTruth != null) {
                groundTruth.close();
            }
            openAi.close();
            router.close();
            upstreams.close();
            models.close();
            vertx.close().await();
            throw e;
        }
    }

    /** Says which network transport serves, so that a node that fell back to NIO says why. */
    private static void logTransport(Vertx vertx) {
        if (vertx.isNativeTransportEnabled()) {
            LOG.log(System.Logger.Level.INFO, "network transport: {0} (native)", transport(vertx));
        } else {
            Throwable cause = vertx.unavailableNativeTransportCause();
            LOG.log(
                    System.Logger.Level.INFO,
                    "network transport: nio; the native transport is unavailable: {0}",
                    cause == null ? "unknown" : cause.toString());
        }
    }

    private static String transport(Vertx vertx) {
        return vertx.isNativeTransportEnabled()
                ? Transport.nativeTransport().name().toLowerCase(java.util.Locale.ROOT)
                : "nio";
    }

    /** The network transport the HTTP server runs on: {@code epoll} on Linux, else {@code nio}. */
    public String transport() {
        return transport(vertx);
    }

    private static OtaAgent prepareOta(NodeOptions options) {
        try {
            return OtaAgent.prepare(options.ota(), options.modelRepository());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare over-the-air updates: " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    /** The port of the gRPC API; -1 where the node serves none. */
    public int grpcPort() {
        return grpc == null ? -1 : grpc.port();
    }

    public ModelManager models() {
        return models;
    }

    /** The answers kept for ground truth and the labelled examples; null on a node without a data directory. */
    public GroundTruth groundTruth() {
        return groundTruth;
    }

    /** The endpoints it serves, each in its API group. */
    public NodeRoutes routes() {
        return server.routes();
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        try {
            if (ota != null) {
                ota.close();
                telemetry.close();
            }
            server.close();
            if (grpc != null) {
                grpc.close();
            }
            if (groundTruth != null) {
                groundTruth.close();
            }
        } finally {
            openAi.close();
            router.close();
            upstreams.close();
            models.close();
            metrics.close();
            vertx.close().await();
        }
    }
}

package io.fogline.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.protocol.RequestedOutput;
import io.fogline.listener.ConnectionGuard;
import io.fogline.listener.ConnectionLimits;
import io.fogline.node.labels.GroundTruth;
import io.fogline.node.metrics.NodeMetrics;
import io.fogline.node.metrics.NodeObserver;
import io.fogline.node.openai.OpenAiEndpoints;
import io.fogline.routing.Router;
import io.fogline.runtime.config.ModelConfig;
import io.fogline.runtime.repository.ModelManager;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The node's HTTP API: the Open Inference Protocol (KServe v2) with Triton's repository and statistics extensions,
 * the OpenAI-compatible endpoints and Prometheus metrics, each endpoint in its API group ({@link #routes}).
 */
public final class InferenceServer implements AutoCloseable {

    /**
     * Plain bodies up to this size are decoded on the event loop; a thread hop costs more than decoding them. Larger
     * and compressed bodies are decoded on workers of their own, so that they cannot hold up small requests.
     */
    private static final int INLINE_DECODE_BYTES = 64 * 1024;

    private static final String JSON_TYPE = "application/json";

    /** The protocol extensions the node serves, as its server metadata names them. */
    public static final List<String> EXTENSIONS =
            List.of("binary_tensor_data", "classification", "model_configuration", "model_repository", "statistics");

    private final Vertx vertx;
    private final ModelManager models;
    private final Router router;
    private final NodeMetrics metrics;
    private final NodeObserver observer;
    private final long maxRequestBytes;
    private final List<HttpServer> servers = new ArrayList<>();
    private final String version;
    private OpenAiEndpoints openAi;
    /** Null on a node that keeps no answers for ground truth. */
    private FeedbackEndpoint feedback;

    private NodeRoutes routes;
    private WorkerExecutor decoding;
    /** Loads and unloads: a drain waits up to 30 s, which must not take a thread that decodes requests. */
    private WorkerExecutor repository;

    private ModelControlMode modelControl = ModelControlMode.NONE;
    private Predicate<String> controlPlaneModels = model -> false;
    private ApiRestrictions restrictions = ApiRestrictions.none();
    private ConnectionLimits connectionLimits = ConnectionLimits.defaults();
    private ConnectionGuard guard;
    private PemKeyCertOptions tls;

    public InferenceServer(
            Vertx vertx,
            ModelManager models,
            Router router,
            NodeMetrics metrics,
            NodeObserver observer,
            long maxRequestBytes,
            String version) {
        this.vertx = vertx;
        this.models = models;
        this.router = router;
        this.metrics = metrics;
        this.observer = observer;
        this.maxRequestBytes = maxRequestBytes;
        this.version = version;
    }

    /** Serves the OpenAI-compatible endpoints under {@code /v1} too; call before {@link #start}. */
    public void serveOpenAi(OpenAiEndpoints endpoints) {
        this.openAi = endpoints;
    }

    /**
     * How the node guards itself against its network; call before {@link #start}. Without it the repository API
     * cannot load or unload, no group needs a key, and the default connection limits hold.
     *
     * @param controlPlaneModels the models a control plane manages, which the repository API may not change
     */
    public void protect(
            ModelControlMode mode,
            Predicate<String> controlPlaneModels,
            ApiRestrictions keys,
            ConnectionLimits limits) {
        this.modelControl = mode;
        this.controlPlaneModels = controlPlaneModels;
        this.restrictions = keys;
        this.connectionLimits = limits;
    }

    /** Takes ground truth at {@code /v2/models/{m}/feedback}; call before {@link #start}. */
    public void serveFeedback(GroundTruth groundTruth) {
        this.feedback = new FeedbackEndpoint(vertx, groundTruth);
    }

    /** Serves HTTPS with a PEM certificate chain and its private key instead of HTTP; call before {@link #start}. */
    public void serveTls(Path certificate, Path key) {
        this.tls = new PemKeyCertOptions().setCertPath(certificate.toString()).setKeyPath(key.toString());
    }

    /**
     * Listens on one server per event loop, so connections spread over the cores.
     *
     * @return the port listened on, which differs from {@code port} when that is 0
     */
    public int start(String host, int port, int eventLoops) {
        HttpServerOptions options = ConnectionGuard.guarded(new HttpServerOptions()
                .setHost(host)
                .setTcpNoDelay(true)
                .setReuseAddress(true)
                .setCompressionSupported(false)
                // Every response is written on its connection's event loop (answers from other threads come
                // back with runOnContext), so Vert.x may write to the channel directly instead of through a
                // queue.
                .setStrictThreadMode(true)
                // The node serves no WebSockets: without these, every HTTP/1 response passes an extension
                // handler.
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false));
        if (tls != null) {
            options.setSsl(true).setKeyCertOptions(tls);
        }
        routes = routes();
        decoding = vertx.createSharedWorkerExecutor("fogline-decode", Math.max(2, eventLoops));
        repository = vertx.createSharedWorkerExecutor("fogline-repository", 2, 2, TimeUnit.MINUTES);
        guard = new ConnectionGuard(vertx, connectionLimits);
        int actualPort = port;
        for (int i = 0; i < eventLoops; i++) {
            // Servers of one Vert.x instance that listen on the same address, port 0 included, share its socket.
            HttpServer server = vertx.createHttpServer(options)
                    .connectionHandler(guard::accept)
                    .requestHandler(this::handle);
            actualPort = server.listen(port, host).await().actualPort();
            servers.add(server);
        }
        return actualPort;
    }

    /** The node's endpoints, each in its API group; the OpenAI-compatible ones where they are served. */
    public NodeRoutes routes() {
        List<NodeRoute> table = new ArrayList<>();
        table.add(
                get("/v2", ApiGroup.METADATA, (request, path) -> sendJson(request.response(), 200, serverMetadata())));
        health(table, "/v2/health/live", (request, path) -> request.response().end());
        health(table, "/v2/health/ready", (request, path) -> request.response()
                .setStatusCode(models.allReady() ? 200 : 503)
                .end());
        table.add(get("/v2/models/stats", ApiGroup.STATISTICS, (request, path) -> sendStatistics(request, null, null)));
        for (String model : List.of("/v2/models/{model}", "/v2/models/{model}/versions/{version}")) {
            table.add(get(
                    model,
                    ApiGroup.METADATA,
                    (request, path) -> sendJson(
                            request.response(), 200, models.metadata(path.get("model"), path.get("version")))));
            health(table, model + "/ready", (request, path) -> {
                models.requireReady(path.get("model"), path.get("version"));
                request.response().end();
            });
            table.add(get(
                    model + "/config",
                    ApiGroup.MODEL_CONFIG,
                    (request, path) -> sendJson(
                            request.response(), 200, models.configuration(path.get("model"), path.get("version")))));
            table.add(get(
                    model + "/stats",
                    ApiGroup.STATISTICS,
                    (request, path) -> sendStatistics(request, path.get("model"), path.get("version"))));
            table.add(new NodeRoute(
                    HttpMethod.POST,
                    model + "/infer",
                    ApiGroup.INFERENCE,
                    (request, path) -> infer(request, path.get("model"), path.get("version"))));
        }
        table.add(new NodeRoute(
                HttpMethod.POST,
                "/v2/repository/index",
                ApiGroup.MODEL_REPOSITORY,
                (request, path) -> repository(request, body -> Json.write(models.index()))));
        table.add(new NodeRoute(
                HttpMethod.POST,
                "/v2/repository/models/{model}/load",
                ApiGroup.MODEL_REPOSITORY,
                (request, path) -> repository(request, body -> {
                    checkModelChange(path.get("model"));
                    models.load(path.get("model"), configOverride(body));
                    return new byte[0];
                })));
        table.add(new NodeRoute(
                HttpMethod.POST,
                "/v2/repository/models/{model}/unload",
                ApiGroup.MODEL_REPOSITORY,
                (request, path) -> repository(request, body -> {
                    checkModelChange(path.get("model"));
                    models.unload(path.get("model"), 30);
                    return new byte[0];
                })));
        if (feedback != null) {
            table.add(get(
                    "/v2/models/{model}/feedback",
                    ApiGroup.FEEDBACK,
                    (request, path) -> feedback.counts(request, path.get("model"))));
            table.add(new NodeRoute(
                    HttpMethod.POST,
                    "/v2/models/{model}/feedback",
                    ApiGroup.FEEDBACK,
                    (request, path) -> withBody(request, body -> feedback.take(request, path.get("model"), body))));
        }
        if (openAi != null) {
            table.add(get("/v1/models", ApiGroup.OPENAI, (request, path) -> openAi.models(request)));
            table.add(new NodeRoute(
                    HttpMethod.POST,
                    "/v1/embeddings",
                    ApiGroup.OPENAI,
                    (request, path) -> withBody(request, body -> openAi.embeddings(request, body))));
            table.add(new NodeRoute(
                    HttpMethod.POST,
                    "/v1/chat/completions",
                    ApiGroup.OPENAI,
                    (request, path) -> withBody(request, body -> openAi.chat(request, body))));
        }
        table.add(get("/metrics", ApiGroup.METRICS, (request, path) -> request.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape(models.queueDepths()))));
        return new NodeRoutes(table);
    }

    private static NodeRoute get(String pattern, ApiGroup group, NodeRoute.Handler handler) {
        return new NodeRoute(HttpMethod.GET, pattern, group, handler);
    }

    /** Health paths answer HEAD as GET: load balancers and probes ask with either. */
    private static void health(List<NodeRoute> table, String pattern, NodeRoute.Handler handler) {
        table.add(new NodeRoute(HttpMethod.GET, pattern, ApiGroup.HEALTH, handler));
        table.add(new NodeRoute(HttpMethod.HEAD, pattern, ApiGroup.HEALTH, handler));
    }

    private Map<String, Object> serverMetadata() {
        return Map.of(
                "name",
                "fogline",
                "version",
                version,
                "extensions",
                List.of(
                        "binary_tensor_data",
                        "classification",
                        "model_configuration",
                        "model_repository",
                        "statistics"));
    }

    private void sendStatistics(HttpServerRequest request, String model, String modelVersion) {
        sendJson(request.response(), 200, Map.of("model_stats", models.statistics(model, modelVersion)));
    }

    private void checkModelChange(String model) {
        modelControl.checkChange(model, controlPlaneModels);
    }

    private void handle(HttpServerRequest request) {
        guard.requestStarted(request);
        try {
            switch (routes.match(request.method(), request.path())) {
                case NodeRoutes.Match.Found found -> {
                    String refusal = restrictions.refusal(found.route().group(), request::getHeader);
                    if (refusal == null) {
                        found.route().handler().handle(request, found.parameters());
                    } else {
                        refuseRestricted(request, refusal);
                    }
                }
                case NodeRoutes.Match.WrongMethod wrong -> {
                    String allowed = String.join(", ", wrong.allowed());
                    request.response().putHeader("Allow", allowed);
                    sendError(
                            request.response(),
                            405,
                            "no endpoint " + request.method() + " " + request.path() + "; it takes " + allowed);
                }
                case NodeRoutes.Match.Nothing nothing ->
                    throw InferenceException.notFound("no endpoint " + request.method() + " " + request.path());
            }
        } catch (InferenceException e) {
            fail(request.response(), e);
        } catch (RuntimeException e) {
            fail(request.response(), InferenceException.internal(e.toString(), e));
        }
    }

    /** A refused request's body is never read, so an HTTP/1 connection closes after the answer. */
    private static void refuseRestricted(HttpServerRequest request, String refusal) {
        if (!request.isEnded() && request.version() != HttpVersion.HTTP_2) {
            request.response().putHeader("Connection", "close");
        }
        sendError(request.response(), 403, refusal);
    }

    /** Reads the body, inflating a compressed one off the event loop, and gives it to {@code onBody} on the loop. */
    private void withBody(HttpServerRequest request, Consumer<Buffer> onBody) {
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        BodyReader.read(
                request,
                maxRequestBytes,
                body -> {
                    if (ContentDecoding.isIdentity(encoding)) {
                        onBody.accept(body);
                        return;
                    }
                    decoding.executeBlocking(
                                    () -> Buffer.buffer(
                                            ContentDecoding.decode(encoding, body.getBytes(), maxRequestBytes)),
                                    false)
                            .onSuccess(onBody::accept)
                            .onFailure(failure -> fail(request.response(), InferenceException.of(failure)));
                },
                () -> tooLarge(request));
    }

    /** Repository work waits on loads and drains of up to 30 s, so it runs off the event loop. */
    private void repository(HttpServerRequest request, Function<Buffer, byte[]> work) {
        withBody(request, body -> repository
                .executeBlocking(() -> work.apply(body), false)
                .onSuccess(answer ->
                        request.response().putHeader("Content-Type", JSON_TYPE).end(Buffer.buffer(answer)))
                .onFailure(failure -> fail(request.response(), InferenceException.of(failure))));
    }

    /** The {@code parameters.config} of a load request: a model config given as a JSON string, as Triton takes it. */
    private static ModelConfig configOverride(Buffer body) {
        if (body.length() == 0) {
            return null;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            throw InferenceException.invalid("malformed JSON: " + e.getMessage());
        }
        JsonNode config = root.path("parameters").path("config");
        if (config.isMissingNode() || config.isNull()) {
            return null;
        }
        return ModelConfig.parse(config.isTextual() ? config.asText() : config.toString());
    }

    private void infer(HttpServerRequest request, String model, String modelVersion) {
        long started = System.nanoTime();
        String headerLengthValue = request.getHeader(InferenceCodec.HEADER_LENGTH);
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        Context context = vertx.getOrCreateContext();
        BodyReader.read(
                request,
                maxRequestBytes,
                body -> {
                    Runnable run = () -> runInference(
                            request, context, body, encoding, headerLengthValue, model, modelVersion, started);
                    if (body.length() <= INLINE_DECODE_BYTES && ContentDecoding.isIdentity(encoding)) {
                        run.run();
                    } else {
                        decoding.executeBlocking(
                                () -> {
                                    run.run();
                                    return null;
                                },
                                false);
                    }
                },
                () -> {
                    observer.requestFailed(knownModel(model), modelVersion, "payload_too_large");
                    return tooLarge(request);
                });
    }

    private void runInference(
            HttpServerRequest request,
            Context context,
            Buffer body,
            String encoding,
            String headerLengthValue,
            String model,
            String modelVersion,
            long started) {
        InferenceRequest inference;
        try {
            byte[] bytes = ContentDecoding.decode(encoding, body.getBytes(), maxRequestBytes);
            inference = InferenceCodec.decodeRequest(bytes, bytes.length, headerLength(headerLengthValue));
            router.infer(model, modelVersion, inference)
                    .whenComplete((response, failure) -> onContext(context, () -> {
                        if (failure != null) {
                            failInference(request, model, modelVersion, InferenceException.of(failure));
                        } else {
                            sendInference(request, inference, bytes.length, response, started);
                        }
                    }));
        } catch (InferenceException e) {
            onContext(context, () -> failInference(request, model, modelVersion, e));
        } catch (RuntimeException e) {
            onContext(
                    context,
                    () -> failInference(request, model, modelVersion, InferenceException.internal(e.toString(), e)));
        }
    }

    /**
     * Runs {@code action} on {@code context}'s event loop: at once when this is that loop, as for a lone request the
     * loop computed itself, so its answer goes out without a trip through the loop's task queue. A worker decoding a
     * large body runs with the same context current, so the thread is checked too.
     */
    private static void onContext(Context context, Runnable action) {
        if (Context.isOnEventLoopThread() && Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(done -> action.run());
        }
    }

    private void sendInference(
            HttpServerRequest request,
            InferenceRequest inference,
            long requestBytes,
            InferenceResponse response,
            long started) {
        InferenceCodec.Encoded encoded;
        try {
            encoded = InferenceCodec.encodeResponse(response, binaryOutputs(inference));
        } catch (RuntimeException e) {
            failInference(
                    request,
                    response.modelName(),
                    response.modelVersion(),
                    InferenceException.internal(e.toString(), e));
            return;
        }
        HttpServerResponse http = request.response();
        if (encoded.hasBinary()) {
            http.putHeader("Content-Type", InferenceCodec.BINARY_CONTENT_TYPE)
                    .putHeader(InferenceCodec.HEADER_LENGTH, Integer.toString(encoded.headerLength()));
        } else {
            http.putHeader("Content-Type", JSON_TYPE);
        }
        // Observed before the client can see the answer, so ground truth sent the moment it arrives finds it.
        observer.requestSucceeded(inference, requestBytes, response, System.nanoTime() - started);
        http.end(Buffer.buffer(encoded.body()));
    }

    /** Which outputs go back as binary data: those asked for so, else all when the request's default says so. */
    private static Predicate<String> binaryOutputs(InferenceRequest inference) {
        boolean byDefault = inference.binaryOutputsByDefault();
        if (inference.outputs().isEmpty()) {
            return name -> byDefault;
        }
        Map<String, Boolean> chosen = new HashMap<>();
        for (RequestedOutput output : inference.outputs()) {
            chosen.put(output.name(), output.binaryData() == null ? byDefault : output.binaryData());
        }
        return name -> chosen.getOrDefault(name, byDefault);
    }

    private void failInference(HttpServerRequest request, String model, String modelVersion, InferenceException e) {
        observer.requestFailed(knownModel(model), modelVersion, e.kind().name().toLowerCase(java.util.Locale.ROOT));
        fail(request.response(), e);
    }

    /** The model name as a metric label, or empty for a name the node does not serve. */
    private String knownModel(String model) {
        return models.isReady(model, null) ? model : "";
    }

    private static int headerLength(String value) {
        if (value == null) {
            return -1;
        }
        try {
            int length = Integer.parseInt(value.trim());
            if (length < 0) {
                throw new NumberFormatException();
            }
            return length;
        } catch (NumberFormatException e) {
            throw InferenceException.invalid(
                    InferenceCodec.HEADER_LENGTH + " must be a non-negative integer, got '" + value + "'");
        }
    }

    private Future<Void> tooLarge(HttpServerRequest request) {
        // The unread rest of the body would be taken for the next request: the connection must close.
        request.response().putHeader("Connection", "close");
        return fail(
                request.response(),
                InferenceException.tooLarge(
                        "the request body is larger than the limit of " + maxRequestBytes + " bytes"));
    }

    /** The HTTP status that answers a failure of this kind, on every API of the node. */
    public static int status(InferenceException e) {
        return switch (e.kind()) {
            case INVALID_ARGUMENT -> 400;
            case NOT_FOUND -> 404;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    private static Future<Void> fail(HttpServerResponse response, InferenceException e) {
        if (response.ended()) {
            return Future.succeededFuture();
        }
        if (e.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        return sendError(response, status(e), String.valueOf(e.getMessage()));
    }

    private static Future<Void> sendError(HttpServerResponse response, int status, String message) {
        return response.setStatusCode(status)
                .putHeader("Content-Type", JSON_TYPE)
                .end(Buffer.buffer(InferenceCodec.encodeError(message)));
    }

    private static void sendJson(HttpServerResponse response, int status, Object value) {
        response.setStatusCode(status).putHeader("Content-Type", JSON_TYPE).end(Buffer.buffer(Json.write(value)));
    }

    @Override
    public void close() {
        for (HttpServer server : servers) {
            server.close().await();
        }
        servers.clear();
        if (guard != null) {
            guard.close();
        }
        if (decoding != null) {
            decoding.close().await();
            repository.close().await();
        }
    }
}

package io.fogline.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.protocol.RequestedOutput;
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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;

/**
 * The node's HTTP API: the Open Inference Protocol (KServe v2) with Triton's repository and statistics extensions,
 * and Prometheus metrics. Routing is a switch over path segments: the API is small and fixed, and a request should
 * cost a few comparisons, not a router's pattern matching.
 */
public final class InferenceServer implements AutoCloseable {

    /** Bodies up to this size are decoded on the event loop; a thread hop costs more than decoding them. */
    private static final int INLINE_DECODE_BYTES = 64 * 1024;

    private static final String JSON_TYPE = "application/json";

    private final Vertx vertx;
    private final ModelManager models;
    private final Router router;
    private final NodeMetrics metrics;
    private final NodeObserver observer;
    private final long maxRequestBytes;
    private final List<HttpServer> servers = new ArrayList<>();
    private final String version;
    private OpenAiEndpoints openAi;
    private FeedbackEndpoint feedback;

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

    /** Takes ground truth at {@code /v2/models/{m}/feedback}; call before {@link #start}. */
    public void serveFeedback(GroundTruth groundTruth) {
        this.feedback = new FeedbackEndpoint(vertx, groundTruth);
    }

    /**
     * Listens on one server per event loop, so connections spread over the cores.
     *
     * @return the port listened on, which differs from {@code port} when that is 0
     */
    public int start(String host, int port, int eventLoops) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setTcpNoDelay(true)
                .setReuseAddress(true)
                .setCompressionSupported(false)
                .setIdleTimeout(300);
        int actualPort = port;
        for (int i = 0; i < eventLoops; i++) {
            // Servers of one Vert.x instance that listen on the same address, port 0 included, share its socket.
            HttpServer server = vertx.createHttpServer(options).requestHandler(this::handle);
            actualPort = server.listen(port, host).await().actualPort();
            servers.add(server);
        }
        return actualPort;
    }

    private void handle(HttpServerRequest request) {
        String[] path = segments(request.path());
        try {
            if (path.length >= 1 && path[0].equals("v2")) {
                routeV2(request, path);
            } else if (path.length >= 1 && path[0].equals("v1") && openAi != null) {
                BodyReader.read(
                        request, maxRequestBytes, body -> openAi.handle(request, path, body), () -> tooLarge(request));
            } else if (path.length == 1 && path[0].equals("metrics") && request.method() == HttpMethod.GET) {
                request.response()
                        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(metrics.scrape(models.queueDepths()));
            } else {
                throw InferenceException.notFound("no endpoint " + request.method() + " " + request.path());
            }
        } catch (InferenceException e) {
            fail(request.response(), e);
        } catch (RuntimeException e) {
            fail(request.response(), InferenceException.internal(e.toString(), e));
        }
    }

    private void routeV2(HttpServerRequest request, String[] path) {
        HttpMethod method = request.method();
        if (path.length == 1 && method == HttpMethod.GET) {
            sendJson(
                    request.response(),
                    200,
                    Map.of(
                            "name",
                            "fogline",
                            "version",
                            version,
                            "extensions",
                            List.of("binary_tensor_data", "classification", "model_repository", "statistics")));
        } else if (path.length == 3 && path[1].equals("health") && method == HttpMethod.GET) {
            boolean healthy =
                    switch (path[2]) {
                        case "live" -> true;
                        case "ready" -> models.allReady();
                        default -> throw InferenceException.notFound("no endpoint GET " + request.path());
                    };
            request.response().setStatusCode(healthy ? 200 : 503).end();
        } else if (path.length >= 2 && path[1].equals("models")) {
            routeModel(request, path);
        } else if (path.length >= 3 && path[1].equals("repository") && method == HttpMethod.POST) {
            routeRepository(request, path);
        } else {
            throw InferenceException.notFound("no endpoint " + method + " " + request.path());
        }
    }

    /** {@code /v2/models/{m}[/versions/{v}][/ready|/infer|/stats]} and {@code /v2/models/stats}. */
    private void routeModel(HttpServerRequest request, String[] path) {
        if (path.length == 3 && path[2].equals("stats") && request.method() == HttpMethod.GET) {
            sendJson(request.response(), 200, Map.of("model_stats", models.statistics(null, null)));
            return;
        }
        if (path.length < 3) {
            throw InferenceException.notFound("no endpoint " + request.method() + " " + request.path());
        }
        String model = path[2];
        boolean versioned = path.length >= 5 && path[3].equals("versions");
        String modelVersion = versioned ? path[4] : null;
        int next = versioned ? 5 : 3;
        String action = path.length == next ? "" : path[next];
        if (path.length > next + 1) {
            throw InferenceException.notFound("no endpoint " + request.method() + " " + request.path());
        }
        HttpMethod method = request.method();
        switch (action) {
            case "" ->
                requireGet(request, () -> sendJson(request.response(), 200, models.metadata(model, modelVersion)));
            case "ready" ->
                requireGet(request, () -> request.response()
                        .setStatusCode(models.isReady(model, modelVersion) ? 200 : 400)
                        .end());
            case "stats" ->
                requireGet(
                        request,
                        () -> sendJson(
                                request.response(),
                                200,
                                Map.of("model_stats", models.statistics(model, modelVersion))));
            case "infer" -> {
                if (method != HttpMethod.POST) {
                    throw InferenceException.notFound("no endpoint " + method + " " + request.path());
                }
                infer(request, model, modelVersion);
            }
            case "feedback" -> {
                if (feedback == null || modelVersion != null) {
                    throw InferenceException.notFound("no endpoint " + method + " " + request.path()
                            + (feedback == null ? ": ground truth needs a node started with --data-dir" : ""));
                }
                if (method == HttpMethod.GET) {
                    feedback.counts(request, model);
                } else if (method == HttpMethod.POST) {
                    BodyReader.read(
                            request,
                            maxRequestBytes,
                            body -> feedback.take(request, model, body),
                            () -> tooLarge(request));
                } else {
                    throw InferenceException.notFound("no endpoint " + method + " " + request.path());
                }
            }
            default -> throw InferenceException.notFound("no endpoint " + method + " " + request.path());
        }
    }

    private static void requireGet(HttpServerRequest request, Runnable action) {
        if (request.method() != HttpMethod.GET) {
            throw InferenceException.notFound("no endpoint " + request.method() + " " + request.path());
        }
        action.run();
    }

    /** {@code POST /v2/repository/index} and {@code POST /v2/repository/models/{m}/load|unload}. */
    private void routeRepository(HttpServerRequest request, String[] path) {
        boolean index = path.length == 3 && path[2].equals("index");
        boolean modelAction =
                path.length == 5 && path[2].equals("models") && (path[4].equals("load") || path[4].equals("unload"));
        if (!index && !modelAction) {
            throw InferenceException.notFound("no endpoint POST " + request.path());
        }
        BodyReader.read(
                request,
                maxRequestBytes,
                body -> vertx.executeBlocking(
                                () -> {
                                    if (index) {
                                        return Json.write(models.index());
                                    }
                                    if (path[4].equals("load")) {
                                        models.load(path[3], configOverride(body));
                                    } else {
                                        models.unload(path[3], 30);
                                    }
                                    return new byte[0];
                                },
                                false)
                        .onSuccess(answer -> request.response()
                                .putHeader("Content-Type", JSON_TYPE)
                                .end(Buffer.buffer(answer)))
                        .onFailure(failure -> fail(request.response(), asInferenceException(failure))),
                () -> tooLarge(request));
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
        Context context = vertx.getOrCreateContext();
        BodyReader.read(
                request,
                maxRequestBytes,
                body -> {
                    if (body.length() <= INLINE_DECODE_BYTES) {
                        runInference(request, context, body, headerLengthValue, model, modelVersion, started);
                    } else {
                        vertx.executeBlocking(
                                () -> {
                                    runInference(
                                            request, context, body, headerLengthValue, model, modelVersion, started);
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
            String headerLengthValue,
            String model,
            String modelVersion,
            long started) {
        InferenceRequest inference;
        try {
            byte[] bytes = body.getBytes();
            inference = InferenceCodec.decodeRequest(bytes, bytes.length, headerLength(headerLengthValue));
            router.infer(model, modelVersion, inference)
                    .whenComplete((response, failure) -> context.runOnContext(done -> {
                        if (failure != null) {
                            failInference(request, model, modelVersion, asInferenceException(failure));
                        } else {
                            sendInference(request, inference, bytes.length, response, started);
                        }
                    }));
        } catch (InferenceException e) {
            context.runOnContext(done -> failInference(request, model, modelVersion, e));
        } catch (RuntimeException e) {
            context.runOnContext(
                    done -> failInference(request, model, modelVersion, InferenceException.internal(e.toString(), e)));
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
        http.end(Buffer.buffer(encoded.body()));
        observer.requestSucceeded(inference, requestBytes, response, System.nanoTime() - started);
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

    private static InferenceException asInferenceException(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof InferenceException inference
                ? inference
                : InferenceException.internal(cause.toString(), cause);
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
        int status = status(e);
        if (e.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        return response.setStatusCode(status)
                .putHeader("Content-Type", JSON_TYPE)
                .end(Buffer.buffer(InferenceCodec.encodeError(String.valueOf(e.getMessage()))));
    }

    private static void sendJson(HttpServerResponse response, int status, Object value) {
        response.setStatusCode(status).putHeader("Content-Type", JSON_TYPE).end(Buffer.buffer(Json.write(value)));
    }

    private static String[] segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    @Override
    public void close() {
        for (HttpServer server : servers) {
            server.close().await();
        }
        servers.clear();
    }
}

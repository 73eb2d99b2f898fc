package io.fogline.node.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.core.error.InferenceException;
import io.fogline.node.http.InferenceServer;
import io.fogline.routing.RoutingObserver;
import io.fogline.routing.cache.ExactCache;
import io.fogline.routing.cache.SemanticCache;
import io.fogline.routing.embed.Embedding;
import io.fogline.routing.embed.SentenceEmbedder;
import io.fogline.routing.openai.CachedAnswer;
import io.fogline.routing.openai.ChatCaches;
import io.fogline.routing.openai.ChatObserver;
import io.fogline.routing.openai.ChatRouter;
import io.fogline.routing.openai.ChatUpstream;
import io.fogline.routing.openai.OpenAiClient;
import io.fogline.routing.upstream.Backoff;
import io.fogline.routing.upstream.CircuitBreaker;
import io.fogline.routing.upstream.Retrier;
import io.fogline.runtime.repository.ModelManager;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The node's OpenAI-compatible endpoints: {@code GET /v1/models}, {@code POST /v1/embeddings} (served here by the
 * repository's embedding model) and {@code POST /v1/chat/completions} (routed by a {@link ChatRouter}). Work that
 * waits, on a model or an upstream, runs on a virtual thread; what goes to the client is written on the request's
 * event loop.
 */
public final class OpenAiEndpoints implements AutoCloseable {

    /** OpenAI's own limit on the texts of one embeddings request. */
    private static final int MAX_INPUTS = 2048;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelManager models;
    private final OpenAiSettings settings;
    private final ChatRouter chat;
    private SentenceEmbedder embedder;

    /** @param observer told of chat answers, upstream failures, redactions and breaker changes */
    public OpenAiEndpoints(
            ModelManager models,
            OpenAiSettings settings,
            HttpClient http,
            ChatObserver observer,
            RoutingObserver breakers) {
        this.models = models;
        this.settings = settings;
        List<ChatRouter.Route> routes = new ArrayList<>();
        for (ChatUpstream upstream : settings.upstreams()) {
            routes.add(new ChatRouter.Route(
                    new OpenAiClient(http, upstream),
                    new CircuitBreaker(
                            settings.breakerFailures(),
                            settings.breakerOpen(),
                            1,
                            System::nanoTime,
                            (from, to) -> breakers.breakerChanged("chat:" + upstream.name(), to)),
                    new Retrier(
                            upstream.maxRetries(),
                            new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2)),
                            System::nanoTime,
                            Retrier.Sleeper.REAL,
                            ThreadLocalRandom.current())));
        }
        ExactCache exact = settings.exactCacheBytes() > 0
                ? new ExactCache(settings.exactCacheBytes(), settings.exactCacheTtl(), System::nanoTime)
                : null;
        SemanticCache<CachedAnswer> semantic = settings.semanticCache() == null
                ? null
                : new SemanticCache<>(text -> embedder().embed(text), settings.semanticCache(), Clock.systemUTC());
        this.chat = new ChatRouter(
                routes,
                settings.redactor(),
                settings.restore(),
                new ChatCaches(exact, semantic),
                System::nanoTime,
                Clock.systemUTC(),
                observer);
    }

    /** {@code GET /v1/models}. */
    public void models(HttpServerRequest request) {
        send(request.response(), 200, models());
    }

    /** {@code POST /v1/embeddings}; its body has been read. */
    public void embeddings(HttpServerRequest request, Buffer body) {
        offload(request, Vertx.currentContext(), () -> embeddings(parse(body)));
    }

    /** {@code POST /v1/chat/completions}; its body has been read. */
    public void chat(HttpServerRequest request, Buffer body) {
        Context context = Vertx.currentContext();
        Thread.ofVirtual().name("fogline-chat").start(() -> chat(request, context, body));
    }

    private ObjectNode models() {
        ObjectNode list = JSON.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        Set<String> ids = new LinkedHashSet<>();
        ids.add(settings.embeddingModel());
        settings.upstreams()
                .forEach(upstream -> ids.add(upstream.model() != null ? upstream.model() : upstream.name()));
        for (String id : ids) {
            data.addObject()
                    .put("id", id)
                    .put("object", "model")
                    .put("created", 0)
                    .put("owned_by", "fogline");
        }
        return list;
    }

    private JsonNode embeddings(JsonNode request) {
        String model = request.path("model").asText("");
        if (!model.equals(settings.embeddingModel())) {
            throw InferenceException.notFound(
                    "model '" + model + "' does not serve embeddings here; use '" + settings.embeddingModel() + "'");
        }
        List<String> texts = inputs(request.get("input"));
        String format = request.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw InferenceException.invalid("'encoding_format' must be 'float' or 'base64', got '" + format + "'");
        }
        List<Embedding> embeddings = embedder().embed(texts);
        int width = embeddings.getFirst().vector().length;
        if (request.has("dimensions") && request.path("dimensions").asInt() != width) {
            throw InferenceException.invalid("'dimensions' must be " + width + " for " + model);
        }
        ObjectNode response = JSON.createObjectNode().put("object", "list");
        ArrayNode data = response.putArray("data");
        int tokens = 0;
        for (int i = 0; i < embeddings.size(); i++) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            float[] vector = embeddings.get(i).vector();
            if (format.equals("base64")) {
                ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(vector);
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float value : vector) {
                    values.add(value);
                }
            }
            tokens += embeddings.get(i).tokens();
        }
        response.put("model", model);
        response.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return response;
    }

    private static List<String> inputs(JsonNode input) {
        List<String> texts = new ArrayList<>();
        if (input != null && input.isTextual()) {
            texts.add(input.asText());
        } else if (input != null && input.isArray()) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw InferenceException.invalid(
                            "'input' must be a string or an array of strings (token arrays are not accepted)");
                }
                texts.add(item.asText());
            }
        } else {
            throw InferenceException.invalid("'input' must be a string or an array of strings");
        }
        if (texts.isEmpty() || texts.size() > MAX_INPUTS) {
            throw InferenceException.invalid("'input' must hold 1 to " + MAX_INPUTS + " texts, got " + texts.size());
        }
        if (texts.stream().anyMatch(String::isEmpty)) {
            throw InferenceException.invalid("'input' must not contain an empty string");
        }
        return texts;
    }

    private synchronized SentenceEmbedder embedder() {
        if (embedder == null) {
            if (!models.isReady(settings.embeddingModel(), null)) {
                throw InferenceException.notFound(
                        "the embedding model '" + settings.embeddingModel() + "' is not loaded on this node");
            }
            embedder = SentenceEmbedder.onModel(models, settings.embeddingModel());
        }
        return embedder;
    }

    private void chat(HttpServerRequest request, Context context, Buffer body) {
        HttpServerResponse response = request.response();
        try {
            JsonNode json = parse(body);
            if (json.path("stream").asBoolean(false)) {
                chat.stream(json, new EventSink(response, context));
            } else {
                ChatRouter.Reply reply = chat.complete(json);
                context.runOnContext(done -> {
                    headers(response, reply.upstream(), reply.cache(), reply.redactions());
                    send(response, 200, reply.body());
                });
            }
        } catch (InferenceException e) {
            context.runOnContext(done -> fail(response, e));
        } catch (RuntimeException e) {
            context.runOnContext(done -> fail(response, InferenceException.internal(e.toString(), e)));
        }
    }

    /** Streams server-sent events to the client, written in order on the request's event loop. */
    private static final class EventSink implements ChatRouter.Sink {
        private final HttpServerResponse response;
        private final Context context;
        private volatile boolean open = true;

        EventSink(HttpServerResponse response, Context context) {
            this.response = response;
            this.context = context;
            context.runOnContext(done -> response.closeHandler(closed -> open = false));
        }

        @Override
        public boolean open() {
            return open;
        }

        @Override
        public void start(String upstream, ChatCaches.Outcome cache, int redactions) {
            context.runOnContext(done -> {
                headers(response, upstream, cache, redactions);
                response.setChunked(true)
                        .putHeader("Content-Type", "text/event-stream")
                        .putHeader("Cache-Control", "no-cache");
            });
        }

        @Override
        public void event(String data) {
            context.runOnContext(done -> {
                if (!response.ended() && !response.closed()) {
                    response.write("data: " + data + "\n\n");
                }
            });
        }

        @Override
        public void end() {
            context.runOnContext(done -> {
                if (!response.ended() && !response.closed()) {
                    response.end();
                }
            });
        }
    }

    private static void headers(
            HttpServerResponse response, String upstream, ChatCaches.Outcome cache, int redactions) {
        response.putHeader("fogline-cache", cache.label())
                .putHeader("fogline-redactions", Integer.toString(redactions));
        if (upstream != null) {
            response.putHeader("fogline-upstream", upstream);
        }
    }

    private static void offload(HttpServerRequest request, Context context, Callable<JsonNode> work) {
        Thread.ofVirtual().name("fogline-openai").start(() -> {
            try {
                JsonNode answer = work.call();
                context.runOnContext(done -> send(request.response(), 200, answer));
            } catch (InferenceException e) {
                context.runOnContext(done -> fail(request.response(), e));
            } catch (Exception e) {
                context.runOnContext(done -> fail(request.response(), InferenceException.internal(e.toString(), e)));
            }
        });
    }

    private static JsonNode parse(Buffer body) {
        try {
            JsonNode json = JSON.readTree(body.getBytes());
            if (json == null || !json.isObject()) {
                throw InferenceException.invalid("the request body must be a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw InferenceException.invalid("malformed JSON: " + e.getMessage());
        }
    }

    private static void send(HttpServerResponse response, int status, JsonNode body) {
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.toString());
    }

    /** An error in OpenAI's shape, which its client libraries read. */
    private static void fail(HttpServerResponse response, InferenceException e) {
        if (response.ended()) {
            return;
        }
        if (response.headWritten()) {
            // A stream already under way: its status is sent, so the error can only end it.
            response.end("data: " + JSON.createObjectNode().set("error", errorBody(e)) + "\n\n");
            return;
        }
        int status = InferenceServer.status(e);
        send(response, status, JSON.createObjectNode().set("error", errorBody(e)));
    }

    private static ObjectNode errorBody(InferenceException e) {
        return JSON.createObjectNode()
                .put("message", String.valueOf(e.getMessage()))
                .put("type", InferenceServer.status(e) < 500 ? "invalid_request_error" : "server_error")
                .putNull("param")
                .putNull("code");
    }

    @Override
    public synchronized void close() {
        if (embedder != null) {
            embedder.close();
        }
    }
}

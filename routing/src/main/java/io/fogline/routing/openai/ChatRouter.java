package io.fogline.routing.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.core.error.InferenceException;
import io.fogline.routing.redact.RedactionSession;
import io.fogline.routing.redact.Redactor;
import io.fogline.routing.redact.StreamRestorer;
import io.fogline.routing.upstream.CircuitBreaker;
import io.fogline.routing.upstream.Retrier;
import io.fogline.routing.upstream.UpstreamException;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Answers OpenAI chat completion requests: redacts the messages, answers from the caches when it can, and otherwise
 * asks the upstreams in order, each under its own timeout, retries and circuit breaker, falling back to the next on
 * failure. A stream falls back only until its first event has arrived: after that the client has part of an answer
 * and a failure ends the stream with an error event.
 */
public final class ChatRouter {

    /** An upstream with the breaker and retry policy that guard it. */
    public record Route(OpenAiClient client, CircuitBreaker breaker, Retrier retrier) {
        String name() {
            return client.upstream().name();
        }
    }

    /**
     * A whole answer.
     *
     * @param upstream who answered, or null when a cache did
     * @param redactions how many distinct entities were replaced before the request left the node
     */
    public record Reply(JsonNode body, String upstream, ChatCaches.Outcome cache, int redactions) {}

    /** Where a streamed answer goes: {@link #start} once, then events (the data of each), then {@link #end}. */
    public interface Sink {
        void start(String upstream, ChatCaches.Outcome cache, int redactions);

        void event(String data);

        void end();

        /** False once the client has gone: the upstream's stream is then closed rather than read to its end. */
        default boolean open() {
            return true;
        }
    }

    /** The source of an answer that came from a cache, as {@link ChatObserver#answered} is told it. */
    public static final String CACHE = "cache";

    private final List<Route> routes;
    private final Redactor redactor;
    private final boolean restore;
    private final ChatCaches caches;
    private final LongSupplier nanoClock;
    private final Clock clock;
    private final ChatObserver observer;

    /**
     * @param redactor null to send messages as they are
     * @param restore whether answers get the redacted values back in place of their placeholders
     */
    public ChatRouter(
            List<Route> routes,
            Redactor redactor,
            boolean restore,
            ChatCaches caches,
            LongSupplier nanoClock,
            Clock clock,
            ChatObserver observer) {
        this.routes = List.copyOf(routes);
        this.redactor = redactor;
        this.restore = restore;
        this.caches = caches;
        this.nanoClock = nanoClock;
        this.clock = clock;
        this.observer = observer;
    }

    public List<Route> routes() {
        return routes;
    }

    public Reply complete(JsonNode body) {
        RedactionSession session = redactor == null ? null : redactor.newSession();
        ChatRequest request = parse(body, session);
        ChatCaches.Lookup lookup = caches.lookup(request);
        if (lookup.answer() != null) {
            observer.answered(CACHE, lookup.outcome().label());
            return new Reply(
                    completion(request, restored(session, lookup.answer().content()), lookup.answer()),
                    null,
                    lookup.outcome(),
                    redactions(session));
        }
        List<String> failures = new ArrayList<>();
        for (Route route : routes) {
            try {
                JsonNode answer = call(route, remaining -> route.client().complete(request.upstreamBody(), remaining));
                CachedAnswer cacheable = single(answer);
                if (cacheable != null) {
                    caches.store(request, lookup, cacheable);
                }
                if (restore && session != null) {
                    for (JsonNode choice : answer.path("choices")) {
                        if (choice.path("message").path("content").isTextual()) {
                            ((ObjectNode) choice.path("message"))
                                    .put(
                                            "content",
                                            session.restore(choice.path("message")
                                                    .path("content")
                                                    .asText()));
                        }
                    }
                }
                observer.answered(route.name(), lookup.outcome().label());
                return new Reply(answer, route.name(), lookup.outcome(), redactions(session));
            } catch (UpstreamException e) {
                failed(route, e, failures);
            }
        }
        throw noUpstream(failures);
    }

    /**
     * Streams an answer. Throws before {@link Sink#start} when no upstream could begin one (the client gets an ordinary
     * error); once started, every outcome ends the stream.
     */
    public void stream(JsonNode body, Sink sink) {
        RedactionSession session = redactor == null ? null : redactor.newSession();
        ChatRequest request = parse(body, session);
        ChatCaches.Lookup lookup = caches.lookup(request);
        if (lookup.answer() != null) {
            observer.answered(CACHE, lookup.outcome().label());
            sink.start(null, lookup.outcome(), redactions(session));
            String id = "chatcmpl-fogline-" + UUID.randomUUID();
            sink.event(chunk(
                            id,
                            request,
                            "assistant",
                            restored(session, lookup.answer().content()),
                            null)
                    .toString());
            sink.event(chunk(id, request, null, null, lookup.answer().finishReason())
                    .toString());
            sink.event(EventStream.DONE);
            sink.end();
            return;
        }
        List<String> failures = new ArrayList<>();
        for (Route route : routes) {
            EventStream events;
            try {
                events = call(route, remaining -> route.client().stream(request.upstreamBody(), remaining));
            } catch (UpstreamException e) {
                failed(route, e, failures);
                continue;
            }
            observer.answered(route.name(), lookup.outcome().label());
            sink.start(route.name(), lookup.outcome(), redactions(session));
            relay(route.name(), events, request, lookup, session, sink);
            return;
        }
        throw noUpstream(failures);
    }

    private void relay(
            String upstream,
            EventStream events,
            ChatRequest request,
            ChatCaches.Lookup lookup,
            RedactionSession session,
            Sink sink) {
        boolean restoring =
                restore && session != null && !session.placeholders().isEmpty();
        Map<Integer, StreamRestorer> restorers = new HashMap<>();
        StringBuilder content = new StringBuilder();
        String finishReason = null;
        boolean singleChoice = true;
        try (events) {
            for (String data = events.next(); sink.open(); data = events.next()) {
                if (data == null) {
                    sink.event(error(upstream + " ended its stream before [DONE]"));
                    break;
                }
                if (data.equals(EventStream.DONE)) {
                    if (finishReason != null && singleChoice) {
                        caches.store(request, lookup, new CachedAnswer(content.toString(), finishReason));
                    }
                    sink.event(EventStream.DONE);
                    break;
                }
                JsonNode chunk = OpenAiClient.JSON.readTree(data);
                for (JsonNode choice : chunk.path("choices")) {
                    int index = choice.path("index").asInt(0);
                    JsonNode delta = choice.path("delta").path("content");
                    singleChoice &= index == 0;
                    if (index == 0 && delta.isTextual()) {
                        content.append(delta.asText());
                    }
                    if (index == 0 && choice.path("finish_reason").isTextual()) {
                        finishReason = choice.path("finish_reason").asText();
                    }
                    if (restoring && choice.path("delta") instanceof ObjectNode deltaNode) {
                        StreamRestorer restorer = restorers.computeIfAbsent(index, i -> session.streamRestorer());
                        String released = delta.isTextual() ? restorer.next(delta.asText()) : "";
                        if (choice.path("finish_reason").isTextual()) {
                            released += restorer.finish();
                        }
                        if (delta.isTextual() || !released.isEmpty()) {
                            deltaNode.put("content", released);
                        }
                    }
                }
                sink.event(restoring ? chunk.toString() : data);
            }
        } catch (IOException e) {
            sink.event(error(upstream + " broke its stream: " + e.getMessage()));
        }
        sink.end();
    }

    private ChatRequest parse(JsonNode body, RedactionSession session) {
        ChatRequest request = ChatRequest.parse(body, session);
        if (session != null) {
            session.placeholders()
                    .keySet()
                    .forEach(placeholder -> observer.redacted(placeholder.substring(1, placeholder.lastIndexOf('_'))));
        }
        return request;
    }

    private void failed(Route route, UpstreamException e, List<String> failures) {
        observer.upstreamFailed(route.name(), e.kind().label());
        failures.add(route.name() + ": " + e.getMessage());
    }

    private <T> T call(Route route, Retrier.Attempt<T> attempt) throws UpstreamException {
        long deadline =
                nanoClock.getAsLong() + route.client().upstream().timeout().toNanos();
        return route.retrier().call(route.breaker(), deadline, attempt);
    }

    private InferenceException noUpstream(List<String> failures) {
        return InferenceException.unavailable(
                failures.isEmpty()
                        ? "no chat upstream is configured"
                        : "every chat upstream failed: " + String.join("; ", failures),
                0);
    }

    /** The answer of a response with one choice of text, as the caches keep it; null for anything else. */
    private static CachedAnswer single(JsonNode answer) {
        JsonNode choices = answer.path("choices");
        if (choices.size() != 1) {
            return null;
        }
        JsonNode choice = choices.get(0);
        JsonNode content = choice.path("message").path("content");
        return content.isTextual() && choice.path("finish_reason").isTextual()
                ? new CachedAnswer(
                        content.asText(), choice.path("finish_reason").asText())
                : null;
    }

    private String restored(RedactionSession session, String content) {
        return restore && session != null ? session.restore(content) : content;
    }

    private static int redactions(RedactionSession session) {
        return session == null ? 0 : session.placeholders().size();
    }

    private ObjectNode completion(ChatRequest request, String content, CachedAnswer answer) {
        ObjectNode completion = OpenAiClient.JSON.createObjectNode();
        completion.put("id", "chatcmpl-fogline-" + UUID.randomUUID());
        completion.put("object", "chat.completion");
        completion.put("created", clock.millis() / 1000);
        completion.put("model", request.model());
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", content);
        choice.put("finish_reason", answer.finishReason());
        // Nothing was spent upstream for a cached answer.
        completion
                .putObject("usage")
                .put("prompt_tokens", 0)
                .put("completion_tokens", 0)
                .put("total_tokens", 0);
        return completion;
    }

    private ObjectNode chunk(String id, ChatRequest request, String role, String content, String finishReason) {
        ObjectNode chunk = OpenAiClient.JSON.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", clock.millis() / 1000);
        chunk.put("model", request.model());
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (role != null) {
            delta.put("role", role);
        }
        if (content != null) {
            delta.put("content", content);
        }
        choice.put("finish_reason", finishReason);
        return chunk;
    }

    private static String error(String message) {
        ObjectNode error = OpenAiClient.JSON.createObjectNode();
        error.putObject("error").put("message", message).put("type", "upstream_error");
        return error.toString();
    }
}

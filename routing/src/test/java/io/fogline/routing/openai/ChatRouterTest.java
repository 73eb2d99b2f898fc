package io.fogline.routing.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.routing.cache.ExactCache;
import io.fogline.routing.cache.SemanticCache;
import io.fogline.routing.embed.MiniLm;
import io.fogline.routing.redact.Redactor;
import io.fogline.routing.upstream.Backoff;
import io.fogline.routing.upstream.CircuitBreaker;
import io.fogline.routing.upstream.Retrier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat router against two stand-in LLM servers, "local" first and "cloud" second. */
class ChatRouterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final StandInLlm local;
    private final StandInLlm cloud;
    private final List<String> failures = new ArrayList<>();

    ChatRouterTest() throws IOException {
        local = new StandInLlm("local");
        cloud = new StandInLlm("cloud");
    }

    @AfterEach
    void close() {
        local.close();
        cloud.close();
        http.close();
    }

    private ChatRouter.Route route(StandInLlm server, String name, int breakerFailures) {
        return new ChatRouter.Route(
                new OpenAiClient(
                        http, new ChatUpstream(name, URI.create(server.url()), null, null, Duration.ofSeconds(5), 0)),
                new CircuitBreaker(
                        breakerFailures, Duration.ofMinutes(1), 1, System::nanoTime, CircuitBreaker.Listener.NONE),
                new Retrier(
                        0,
                        new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)),
                        System::nanoTime,
                        Retrier.Sleeper.REAL,
                        new SplittableRandom(1)));
    }

    private ChatRouter router(boolean restore, int breakerFailures) {
        ChatObserver observer = new ChatObserver() {
            @Override
            public void answered(String source, String cache) {}

            @Override
            public void upstreamFailed(String upstream, String reason) {
                failures.add(upstream + " " + reason);
            }

            @Override
            public void redacted(String kind) {}
        };
        return new ChatRouter(
                List.of(route(local, "local", breakerFailures), route(cloud, "cloud", breakerFailures)),
                Redactor.standard(),
                restore,
                new ChatCaches(
                        new ExactCache(1 << 20, Duration.ofMinutes(5), System::nanoTime),
                        new SemanticCache<>(
                                MiniLm.embedder()::embed, SemanticCache.Settings.defaults(), Clock.systemUTC())),
                System::nanoTime,
                Clock.systemUTC(),
                observer);
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    private static ObjectNode question(String text) {
        return JSON.createObjectNode()
                .put("model", "m")
                .set(
                        "messages",
                        JSON.createArrayNode()
                                .add(JSON.createObjectNode().put("role", "user").put("content", text)));
    }

    private static String answer(ChatRouter.Reply reply) {
        return reply.body().at("/choices/0/message/content").asText();
    }

    @Test
    void refusesMalformedRequestsBeforeAnythingIsSent() {
        ChatRouter router = router(true, 5);
        assertThatThrownBy(() -> router.complete(json("[1]"))).hasMessage("the request body must be a JSON object");
        assertThatThrownBy(() -> router.complete(json("{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}")))
                .hasMessage("'model' must be a non-empty string");
        assertThatThrownBy(() -> router.complete(json("{\"model\": \"m\", \"messages\": [{\"content\": \"x\"}]}")))
                .hasMessage("message 0 must be an object with a string 'role'");
        assertThatThrownBy(() -> router.complete(
                        json("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": 7}]}")))
                .hasMessage("message 0 has a 'content' that is neither text nor parts");
        assertThat(local.received()).isEmpty();
    }

    @Test
    void redactsTheTextPartsOfMultipartContent() throws IOException {
        router(true, 5).complete(json("""
                {"model": "m", "messages": [{"role": "user", "content": [
                  {"type": "text", "text": "My IBAN is DE89 3704 0044 0532 0130 00"},
                  {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}]}"""));

        JsonNode parts = local.received().getFirst().at("/messages/0/content");
        assertThat(parts.at("/0/text").asText()).isEqualTo("My IBAN is <IBAN_1>");
        assertThat(parts.at("/1/image_url/url").asText()).isEqualTo("data:image/png;base64,AAAA");
    }

    @Test
    void leavesThePlaceholdersInTheAnswerWhenRestoringIsOff() throws IOException {
        ChatRouter.Reply reply = router(false, 5).complete(question("Is 203.0.113.7 on a block list?"));

        assertThat(answer(reply)).isEqualTo("Echo: Is <IPV4_1> on a block list?");
        assertThat(reply.redactions()).isEqualTo(1);
    }

    @Test
    void keepsTheSemanticCacheOutOfMultiTurnConversations() throws IOException {
        ChatRouter router = router(true, 5);
        String conversation = """
                {"model": "m", "messages": [{"role": "user", "content": "Hi"},
                  {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "%s"}]}""";
        router.complete(json(conversation.formatted("How do I cancel my subscription?")));

        assertThat(router.complete(json(conversation.formatted("How can I cancel my subscription?")))
                        .cache())
                .isEqualTo(ChatCaches.Outcome.MISS);
        assertThat(router.complete(json(conversation.formatted("How do I cancel my subscription?")))
                        .cache())
                .isEqualTo(ChatCaches.Outcome.EXACT);
    }

    @Test
    void sharesNoCacheEntryBetweenOtherSamplingParametersOrToolRequests() throws IOException {
        ChatRouter router = router(true, 5);
        router.complete(question("Why is the sky blue?"));
        JsonNode warmer = question("Why is the sky blue?").put("temperature", 0.9);
        JsonNode withTools = question("Why is the sky blue?").set("tools", JSON.createArrayNode());

        assertThat(router.complete(warmer).cache()).isEqualTo(ChatCaches.Outcome.MISS);
        assertThat(router.complete(withTools).cache()).isEqualTo(ChatCaches.Outcome.OFF);
        assertThat(router.complete(question("Why is the sky blue?")).cache()).isEqualTo(ChatCaches.Outcome.EXACT);
        assertThat(local.received()).hasSize(3);
    }

    @Test
    void skipsAnUpstreamWhoseBreakerIsOpen() throws IOException {
        local.mode(StandInLlm.Mode.FAIL);
        ChatRouter router = router(true, 2);
        for (String q : List.of("What is 1 + 1?", "What is 2 + 2?", "What is 3 + 3?")) {
            assertThat(router.complete(question(q)).upstream()).isEqualTo("cloud");
        }
        assertThat(local.received()).hasSize(2);
        assertThat(failures).containsExactly("local server_error", "local server_error", "local breaker_open");
    }

    /** Records what a stream sends: "start ...", each event's data, "end"; open until {@code openFor} events. */
    private static final class RecordingSink implements ChatRouter.Sink {
        final List<String> events = new ArrayList<>();
        private final int openFor;

        RecordingSink(int openFor) {
            this.openFor = openFor;
        }

        @Override
        public void start(String upstream, ChatCaches.Outcome cache, int redactions) {
            events.add("start " + upstream + " " + cache.label() + " " + redactions);
        }

        @Override
        public void event(String data) {
            events.add(data);
        }

        @Override
        public void end() {
            events.add("end");
        }

        @Override
        public boolean open() {
            return events.size() <= openFor;
        }
    }

    @Test
    void streamsAnAnswerWithPlaceholdersSplitAcrossEventsRestored() throws IOException {
        RecordingSink sink = new RecordingSink(Integer.MAX_VALUE);
        router(true, 5).stream(question("Is 4111 1111 1111 1111 valid?").put("stream", true), sink);

        List<String> events = sink.events;
        assertThat(events.getFirst()).isEqualTo("start local miss 1");
        assertThat(events.getLast()).isEqualTo("end");
        assertThat(events.get(events.size() - 2)).isEqualTo(EventStream.DONE);
        StringBuilder text = new StringBuilder();
        for (String data : events.subList(1, events.size() - 2)) {
            text.append(JSON.readTree(data).at("/choices/0/delta/content").asText(""));
        }
        assertThat(text.toString()).isEqualTo("Echo: Is 4111 1111 1111 1111 valid?");
        assertThat(local.receivedText()).doesNotContain("4111").contains("<CARD_1>");
    }

    @Test
    void stopsReadingTheUpstreamOnceTheClientHasGoneAndCachesNothing() throws IOException {
        ChatRouter router = router(true, 5);
        RecordingSink sink = new RecordingSink(1);
        router.stream(question("Tell me a long story.").put("stream", true), sink);

        assertThat(sink.events).hasSize(3).startsWith("start local miss 0").endsWith("end");
        assertThat(router.complete(question("Tell me a long story.")).cache()).isEqualTo(ChatCaches.Outcome.MISS);
    }
}

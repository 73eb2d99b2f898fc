package io.fogline.node.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeClient;
import io.fogline.node.NodeOptions;
import io.fogline.routing.embed.Embedding;
import io.fogline.routing.embed.SentenceEmbedder;
import io.fogline.routing.openai.StandInLlm;
import io.fogline.runtime.testing.TestModels;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible endpoints as applications call them, through the official OpenAI Java client, with two
 * stand-in LLM servers as the chat upstreams: "local" first, "cloud" second.
 */
class OpenAiEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StandInLlm local;
    private StandInLlm cloud;
    private FoglineNode node;
    private OpenAIClient openAi;

    @BeforeEach
    void start() throws Exception {
        local = new StandInLlm("local");
        cloud = new StandInLlm("cloud");
        String config = """
                {"chat": {
                  "upstreams": [
                    {"name": "local", "url": "%s", "model": "llama-local", "timeout_ms": 1500, "max_retries": 1},
                    {"name": "cloud", "url": "%s", "timeout_ms": 5000, "max_retries": 0, "api_key_env": "CLOUD_KEY"}
                  ],
                  "redaction": {"enabled": true, "restore": true}
                }}
                """.formatted(local.url(), cloud.url());
        OpenAiSettings settings =
                OpenAiSettings.parse(JSON.readTree(config), name -> name.equals("CLOUD_KEY") ? "secret" : null);
        node = FoglineNode.start(NodeOptions.defaults(TestModels.minilm())
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withOpenAi(settings));
        openAi = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + node.port() + "/v1")
                .apiKey("not-needed")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterEach
    void stop() {
        openAi.close();
        node.close();
        local.close();
        cloud.close();
    }

    private static ChatCompletionCreateParams ask(String question) {
        return ChatCompletionCreateParams.builder()
                .model("assistant")
                .addSystemMessage("Answer briefly.")
                .addUserMessage(question)
                .build();
    }

    private HttpResponseFor<ChatCompletion> chat(String question) {
        return openAi.chat().completions().withRawResponse().create(ask(question));
    }

    private static String header(HttpResponseFor<?> response, String name) {
        return response.headers().values(name).stream().findFirst().orElse(null);
    }

    private static String content(HttpResponseFor<ChatCompletion> response) {
        return response.parse().choices().getFirst().message().content().orElseThrow();
    }

    private static String streamedText(HttpResponseFor<StreamResponse<ChatCompletionChunk>> response) {
        try (StreamResponse<ChatCompletionChunk> stream = response.parse()) {
            return stream.stream()
                    .flatMap(chunk -> chunk.choices().stream())
                    .map(choice -> choice.delta().content().orElse(""))
                    .collect(Collectors.joining());
        }
    }

    @Test
    void servesEmbeddingsEqualToInProcessMiniLm() {
        List<String> texts = List.of("The delivery truck is stuck in traffic.", "hello world");
        CreateEmbeddingResponse response = openAi.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("minilm")
                        .inputOfArrayOfStrings(texts)
                        .build());
        try (SentenceEmbedder inProcess = SentenceEmbedder.onModel(node.models(), "minilm")) {
            List<Embedding> expected = inProcess.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                List<Float> served = response.data().get(i).embedding();
                assertThat(response.data().get(i).index()).isEqualTo(i);
                assertThat(served).hasSize(384);
                for (int d = 0; d < 384; d++) {
                    assertThat(served.get(d)).isCloseTo(expected.get(i).vector()[d], within(1e-6f));
                }
            }
            assertThat(response.usage().promptTokens())
                    .isEqualTo(expected.get(0).tokens() + expected.get(1).tokens());
        }
    }

    @Test
    void servesEmbeddingsAsBase64LittleEndianFloats() throws Exception {
        NodeClient http = new NodeClient(node.port());
        JsonNode floats = JSON.readTree(http.post("/v1/embeddings", "{\"model\":\"minilm\",\"input\":\"hello world\"}")
                .text());
        JsonNode base64 = JSON.readTree(http.post(
                        "/v1/embeddings",
                        "{\"model\":\"minilm\",\"input\":[\"hello world\"],\"encoding_format\":\"base64\"}")
                .text());
        java.nio.FloatBuffer decoded = java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder()
                        .decode(base64.at("/data/0/embedding").asText()))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        assertThat(decoded.remaining()).isEqualTo(384);
        for (int d = 0; d < 384; d++) {
            assertThat(decoded.get(d))
                    .isEqualTo(floats.at("/data/0/embedding/" + d).floatValue());
        }
        assertThat(base64.at("/usage/prompt_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void refusesBadEmbeddingRequestsWithOpenAiShapedErrors() {
        NodeClient http = new NodeClient(node.port());
        NodeClient.Reply wrongModel =
                http.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}");
        assertThat(wrongModel.status()).isEqualTo(404);
        assertThat(wrongModel.text())
                .contains(
                        "\"message\":\"model 'text-embedding-3-small' does not serve embeddings here; use 'minilm'\"");
        NodeClient.Reply format =
                http.post("/v1/embeddings", "{\"model\":\"minilm\",\"input\":\"x\",\"encoding_format\":\"int8\"}");
        assertThat(format.status()).isEqualTo(400);
        assertThat(format.text()).contains("'encoding_format' must be 'float' or 'base64', got 'int8'");
        NodeClient.Reply tokens = http.post("/v1/embeddings", "{\"model\":\"minilm\",\"input\":[[101,102]]}");
        assertThat(tokens.status()).isEqualTo(400);
        assertThat(tokens.text())
                .contains("'input' must be a string or an array of strings (token arrays are not accepted)");
        NodeClient.Reply empty = http.post("/v1/embeddings", "{\"model\":\"minilm\",\"input\":[]}");
        assertThat(empty.text()).contains("'input' must hold 1 to 2048 texts, got 0");
        NodeClient.Reply malformed = http.post("/v1/chat/completions", "{\"model\":");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.text()).contains("malformed JSON");
        NodeClient.Reply noMessages = http.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}");
        assertThat(noMessages.status()).isEqualTo(400);
        assertThat(noMessages.text()).contains("'messages' must be a non-empty array");
        assertThat(local.received()).isEmpty();
    }

    @Test
    void listsTheEmbeddingAndUpstreamModels() throws Exception {
        JsonNode models =
                JSON.readTree(new NodeClient(node.port()).get("/v1/models").text());
        assertThat(models.findValuesAsText("id")).containsExactly("minilm", "llama-local", "cloud");
        assertThat(openAi.models().list().data()).hasSize(3);
    }

    @Test
    void answersFromTheFirstUpstreamWithPersonalDataRedactedOnTheWayAndRestoredInTheAnswer() {
        String question = "Mail anna.schmidt@example.com about card 4111 1111 1111 1111, please.";
        HttpResponseFor<ChatCompletion> response = chat(question);

        assertThat(content(response)).isEqualTo("Echo: " + question);
        assertThat(header(response, "fogline-upstream")).isEqualTo("local");
        assertThat(header(response, "fogline-cache")).isEqualTo("miss");
        assertThat(header(response, "fogline-redactions")).isEqualTo("2");
        assertThat(local.received()).hasSize(1);
        JsonNode sent = local.received().getFirst();
        assertThat(sent.path("model").asText()).isEqualTo("llama-local");
        assertThat(sent.at("/messages/1/content").asText()).isEqualTo("Mail <EMAIL_1> about card <CARD_1>, please.");
        assertThat(local.receivedText()).doesNotContain("anna.schmidt@example.com", "4111");
        assertThat(cloud.received()).isEmpty();
        assertThat(new NodeClient(node.port()).get("/metrics").text())
                .contains("fogline_redaction_entities_total{kind=\"EMAIL\"} 1.0")
                .contains("fogline_redaction_entities_total{kind=\"CARD\"} 1.0");
    }

    @Test
    void noEntityOfAnyKindReachesTheUpstream() {
        Map<String, String> entities = Map.of(
                "EMAIL", "li.wei@mail.example.org",
                "PHONE", "+44 20 7946 0958",
                "CARD", "5555 5555 5555 4444",
                "IBAN", "DE89 3704 0044 0532 0130 00",
                "IPV4", "192.168.10.42",
                "IPV6", "2001:db8::ff00:42:8329",
                "US_SSN", "536-90-4399",
                "UK_NINO", "JG 10 33 47 B",
                "DE_TAX_ID", "65929970489");
        String question = entities.entrySet().stream()
                .map(entity -> entity.getKey().toLowerCase() + " is " + entity.getValue())
                .collect(Collectors.joining("; ", "Check these: ", "."));

        assertThat(content(chat(question))).isEqualTo("Echo: " + question);

        String received = local.receivedText();
        entities.forEach((kind, value) -> {
            assertThat(received).as(kind).doesNotContain(value);
            assertThat(received).as(kind).contains("<" + kind + "_1>");
        });
    }

    @Test
    void fallsBackToTheNextUpstreamWhenTheFirstFails() {
        local.mode(StandInLlm.Mode.FAIL);
        HttpResponseFor<ChatCompletion> response = chat("What is the capital of France?");

        assertThat(content(response)).isEqualTo("Echo: What is the capital of France?");
        assertThat(header(response, "fogline-upstream")).isEqualTo("cloud");
        assertThat(local.received()).as("one try and one retry").hasSize(2);
        assertThat(cloud.received()).hasSize(1);
        assertThat(cloud.received().getFirst().path("model").asText()).isEqualTo("assistant");
        assertThat(new NodeClient(node.port()).get("/metrics").text())
                .contains("fogline_openai_chat_upstream_failures_total{reason=\"server_error\",upstream=\"local\"} 1.0")
                .contains("fogline_openai_chat_answers_total{cache=\"miss\",source=\"cloud\"} 1.0");
    }

    @Test
    void fallsBackToTheNextUpstreamWhenTheFirstTimesOut() {
        local.mode(StandInLlm.Mode.HANG);
        HttpResponseFor<ChatCompletion> response = chat("What is the capital of France?");

        assertThat(header(response, "fogline-upstream")).isEqualTo("cloud");
        assertThat(content(response)).isEqualTo("Echo: What is the capital of France?");
    }

    @Test
    void answersUnavailableNamingEachFailureWhenEveryUpstreamFails() {
        local.mode(StandInLlm.Mode.FAIL);
        cloud.mode(StandInLlm.Mode.FAIL);
        NodeClient.Reply reply = new NodeClient(node.port())
                .post(
                        "/v1/chat/completions",
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.text())
                .contains("every chat upstream failed: local: HTTP 500 from " + local.url() + "/chat/completions")
                .contains("; cloud: HTTP 500 from " + cloud.url() + "/chat/completions");
    }

    @Test
    void answersARepeatedQuestionFromTheExactCache() {
        chat("How do I cancel my subscription?");
        HttpResponseFor<ChatCompletion> again = chat("How do I cancel my subscription?");

        assertThat(header(again, "fogline-cache")).isEqualTo("exact");
        assertThat(header(again, "fogline-upstream")).isNull();
        assertThat(content(again)).isEqualTo("Echo: How do I cancel my subscription?");
        assertThat(local.received()).hasSize(1);
    }

    @Test
    void answersAParaphraseFromTheSemanticCacheButNotItsNegation() {
        chat("Is it safe to drink tap water in Mexico City?");
        HttpResponseFor<ChatCompletion> paraphrase = chat("is it safe to drink the tap water in Mexico City?");
        HttpResponseFor<ChatCompletion> negation = chat("Is it not safe to drink tap water in Mexico City?");

        assertThat(header(paraphrase, "fogline-cache")).isEqualTo("semantic");
        assertThat(content(paraphrase)).isEqualTo("Echo: Is it safe to drink tap water in Mexico City?");
        assertThat(header(negation, "fogline-cache")).isEqualTo("miss");
        assertThat(content(negation)).isEqualTo("Echo: Is it not safe to drink tap water in Mexico City?");
        assertThat(local.received()).hasSize(2);
    }

    @Test
    void restoresEachRequestsOwnPersonalDataIntoACachedAnswer() {
        chat("Send the invoice to anna@example.com today.");
        HttpResponseFor<ChatCompletion> other = chat("Send the invoice to bob@example.org today.");

        assertThat(header(other, "fogline-cache")).isEqualTo("exact");
        assertThat(content(other)).isEqualTo("Echo: Send the invoice to bob@example.org today.");
        assertThat(local.receivedText()).doesNotContain("bob@example.org");
    }

    @Test
    void streamsTheAnswerChunkByChunkWithPlaceholdersRestored() {
        String question = "Call me on +49 30 12345678 after six.";
        StringBuilder answer = new StringBuilder();
        int chunks = 0;
        try (StreamResponse<ChatCompletionChunk> stream =
                openAi.chat().completions().createStreaming(ask(question))) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                chunks++;
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(answer::append));
            }
        }
        assertThat(answer.toString()).isEqualTo("Echo: " + question);
        assertThat(chunks).isGreaterThan(5);
        JsonNode sent = local.received().getFirst();
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.at("/messages/1/content").asText()).isEqualTo("Call me on <PHONE_1> after six.");
    }

    @Test
    void streamsFromTheNextUpstreamWhenTheFirstFailsBeforeItsFirstEvent() {
        local.mode(StandInLlm.Mode.FAIL);
        HttpResponseFor<StreamResponse<ChatCompletionChunk>> response =
                openAi.chat().completions().withRawResponse().createStreaming(ask("Why is the sky blue?"));
        assertThat(header(response, "fogline-upstream")).isEqualTo("cloud");
        assertThat(streamedText(response)).isEqualTo("Echo: Why is the sky blue?");
    }

    @Test
    void streamsACachedAnswer() {
        chat("What is the refund policy?");
        HttpResponseFor<StreamResponse<ChatCompletionChunk>> response =
                openAi.chat().completions().withRawResponse().createStreaming(ask("What is the refund policy?"));
        assertThat(header(response, "fogline-cache")).isEqualTo("exact");
        assertThat(streamedText(response)).isEqualTo("Echo: What is the refund policy?");
        assertThat(local.received()).hasSize(1);
    }

    @Test
    void endsAStreamThatBreaksAfterItStartedWithAnErrorEventInsteadOfFallingBack() {
        local.mode(StandInLlm.Mode.BREAK_STREAM);
        NodeClient.Reply reply = new NodeClient(node.port())
                .post(
                        "/v1/chat/completions",
                        "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("fogline-upstream")).isEqualTo("local");
        assertThat(reply.text())
                .contains("\"content\":\"Ech\"")
                .endsWith("data: {\"error\":{\"message\":\"local ended its stream before [DONE]\",\"type\":"
                        + "\"upstream_error\"}}\n\n")
                .doesNotContain("data: [DONE]");
        assertThat(cloud.received()).isEmpty();
    }

    @Test
    void doesNotCacheABrokenStream() {
        local.mode(StandInLlm.Mode.BREAK_STREAM);
        NodeClient http = new NodeClient(node.port());
        String body = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
        http.post("/v1/chat/completions", body);
        local.mode(StandInLlm.Mode.ANSWER);
        NodeClient.Reply again = http.post("/v1/chat/completions", body);
        assertThat(again.header("fogline-cache")).isEqualTo("miss");
        assertThat(again.text()).endsWith("data: [DONE]\n\n");
        assertThat(local.received()).hasSize(2);
    }

    @Test
    void answersUnavailableWhenNoUpstreamIsConfiguredAndNotFoundForAnUnknownEndpoint() {
        try (FoglineNode plain = FoglineNode.start(
                NodeOptions.defaults(TestModels.minilm()).withHost("127.0.0.1").withHttpPort(0))) {
            NodeClient http = new NodeClient(plain.port());
            NodeClient.Reply chat = http.post(
                    "/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(chat.status()).isEqualTo(503);
            assertThat(chat.text()).contains("\"message\":\"no chat upstream is configured\"");
            NodeClient.Reply unknown = http.post("/v1/completions", "{}");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.text()).contains("no endpoint POST /v1/completions");
            assertThat(http.post("/v1/embeddings", "{\"model\":\"minilm\",\"input\":\"x\"}")
                            .status())
                    .isEqualTo(200);
        }
    }
}

package io.fogline.routing.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A stand-in for a real LLM server (llama.cpp, Ollama or a cloud API, none of which a test can run here): an
 * OpenAI-compatible {@code /v1/chat/completions} that answers "Echo: " and the last user message, whole or streamed
 * three characters per event, or fails as scripted. It records every request body it received, so a test can check
 * what left the node.
 */
public final class StandInLlm implements AutoCloseable {

    public enum Mode {
        ANSWER,
        /** HTTP 500 to every request. */
        FAIL,
        /** Never answers until closed. */
        HANG,
        /** Streams the first two events of its answer, then ends the response without {@code [DONE]}. */
        BREAK_STREAM
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final HttpServer server;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Mode mode = Mode.ANSWER;

    public StandInLlm(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public void mode(Mode newMode) {
        mode = newMode;
    }

    /** Every request body received, in order. */
    public List<JsonNode> received() {
        return received;
    }

    /** Everything the node sent, as one string: what a check for leaked personal data reads. */
    public String receivedText() {
        return received.toString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            received.add(request);
            switch (mode) {
                case FAIL -> respond(exchange, 500, "{\"error\":{\"message\":\"stand-in failure\"}}");
                case HANG -> {
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                case BREAK_STREAM -> stream(exchange, request, "Echo: " + lastUserText(request), 2);
                case ANSWER -> {
                    String answer = "Echo: " + lastUserText(request);
                    if (request.path("stream").asBoolean(false)) {
                        stream(exchange, request, answer, Integer.MAX_VALUE);
                    } else {
                        respond(exchange, 200, completion(request, answer).toString());
                    }
                }
            }
        }
    }

    private static String lastUserText(JsonNode request) {
        String text = "";
        for (JsonNode message : request.path("messages")) {
            if (message.path("role").asText().equals("user")) {
                text = message.path("content").asText();
            }
        }
        return text;
    }

    private ObjectNode completion(JsonNode request, String answer) {
        ObjectNode completion = JSON.createObjectNode()
                .put("id", "chatcmpl-" + name)
                .put("object", "chat.completion")
                .put("created", 1_700_000_000)
                .put("model", request.path("model").asText());
        ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", answer);
        choice.put("finish_reason", "stop");
        completion
                .putObject("usage")
                .put("prompt_tokens", 10)
                .put("completion_tokens", 5)
                .put("total_tokens", 15);
        return completion;
    }

    private void stream(HttpExchange exchange, JsonNode request, String answer, int events) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (int from = 0; from <= answer.length() && from / 3 < events; from += 3) {
            boolean last = from >= answer.length();
            ObjectNode chunk = JSON.createObjectNode()
                    .put("id", "chatcmpl-" + name)
                    .put("object", "chat.completion.chunk")
                    .put("created", 1_700_000_000)
                    .put("model", request.path("model").asText());
            ArrayNode choices = chunk.putArray("choices");
            ObjectNode choice = choices.addObject().put("index", 0);
            ObjectNode delta = choice.putObject("delta");
            if (from == 0) {
                delta.put("role", "assistant");
            }
            if (!last) {
                delta.put("content", answer.substring(from, Math.min(answer.length(), from + 3)));
            }
            choice.put("finish_reason", last ? "stop" : null);
            out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        if (events == Integer.MAX_VALUE) {
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}

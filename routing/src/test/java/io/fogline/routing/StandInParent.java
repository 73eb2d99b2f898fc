package io.fogline.routing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A stand-in for a parent tier: a scripted Open Inference Protocol server that answers every request with class
 * probabilities {@code [0, 0, 1]} for output {@code y}, fails with 500, or stalls, as a test sets it. Faults of a real
 * parent cannot be produced on demand; the node-to-node test covers a real one.
 */
final class StandInParent implements AutoCloseable {

    enum Behaviour {
        ANSWER,
        /** Answers as a node that escalated the request to its own parent, named {@code cloud}. */
        ANSWER_FROM_ITS_PARENT,
        FAIL,
        STALL,
        /** Answers {@code [0, 0, 1]} and, as {@code text_out}, "Parent saw: " and the text of input {@code text}. */
        ECHO_TEXT
    }

    private final HttpServer server;
    private final List<InferenceRequest> received = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private volatile Behaviour behaviour = Behaviour.ANSWER;

    StandInParent() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void behave(Behaviour next) {
        behaviour = next;
    }

    List<InferenceRequest> received() {
        return received;
    }

    List<String> contentTypes() {
        return contentTypes;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String headerLength = exchange.getRequestHeaders().getFirst(InferenceCodec.HEADER_LENGTH);
        contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
        received.add(InferenceCodec.decodeRequest(
                body, body.length, headerLength == null ? -1 : Integer.parseInt(headerLength)));
        switch (behaviour) {
            case ANSWER -> send(exchange, 200, """
                    {"model_name": "big", "model_version": "1", "outputs": [
                      {"name": "y", "datatype": "FP32", "shape": [1, 3], "data": [0, 0, 1]}]}""");
            case ECHO_TEXT -> {
                String seen = new String(
                        received.getLast().input("text").toByteElements().getFirst(), StandardCharsets.UTF_8);
                InferenceResponse answer = new InferenceResponse(
                        "big",
                        "1",
                        null,
                        Map.of(),
                        List.of(
                                Tensor.ofFloats("y", new long[] {1, 3}, 0, 0, 1),
                                Tensor.ofStrings("text_out", new long[] {1, 1}, "Parent saw: " + seen)));
                send(
                        exchange,
                        200,
                        new String(
                                InferenceCodec.encodeResponse(answer, name -> false)
                                        .body(),
                                StandardCharsets.UTF_8));
            }
            case ANSWER_FROM_ITS_PARENT -> send(exchange, 200, """
                    {"model_name": "big", "model_version": "1",
                     "parameters": {"fogline_tier": "cloud", "fogline_confidence": 0.97},
                     "outputs": [{"name": "y", "datatype": "FP32", "shape": [1, 3], "data": [0, 1, 0]}]}""");
            case FAIL -> send(exchange, 500, "{\"error\": \"stand-in failure\"}");
            case STALL -> {
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package io.fogline.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OperatorApiTest {

    private final AtomicInteger busyAnswersLeft = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;
    private HttpClient http;
    private OperatorApi operator;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            boolean busy = busyAnswersLeft.getAndDecrement() > 0;
            byte[] body = (busy ? "{\"error\": \"the database is busy\"}" : "{\"id\": 7, \"state\": \"running\"}")
                    .getBytes(StandardCharsets.UTF_8);
            if (busy) {
                exchange.getResponseHeaders().add("Retry-After", "0");
            }
            int status = busy ? 503 : exchange.getRequestMethod().equals("POST") ? 201 : 200;
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        http = HttpClient.newHttpClient();
        operator = new OperatorApi(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "token", http);
    }

    @AfterEach
    void stop() {
        http.close();
        server.stop(0);
    }

    @Test
    void aReadTheControlPlaneIsTooBusyForIsAskedAgain() throws IOException {
        busyAnswersLeft.set(3);

        assertThat(operator.rollout(7).path("state").asText()).isEqualTo("running");
        assertThat(requests).hasValue(4);
    }

    @Test
    void aWriteRefusedAsBusyIsNotSentAgain() {
        busyAnswersLeft.set(1);

        assertThatThrownBy(() -> operator.startRollout(Map.of("model", "m")))
                .isInstanceOf(IOException.class)
                .hasMessage("rollouts: HTTP 503 {\"error\": \"the database is busy\"}");
        assertThat(requests).hasValue(1);
    }
}

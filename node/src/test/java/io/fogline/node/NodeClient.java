package io.fogline.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain HTTP client of a node under test, built on the JDK's client so that it shares no code with the server. */
public final class NodeClient {

    public record Reply(int status, java.net.http.HttpHeaders headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;

    public NodeClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** A request without a body in any method: HEAD, DELETE, or one the server should refuse. */
    public Reply send(String method, String path) {
        return send(
                HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    public Reply post(String path, String json) {
        return post(path, json.getBytes(StandardCharsets.UTF_8), -1);
    }

    /** @param headerLength the Inference-Header-Content-Length to send, or -1 for none */
    public Reply post(String path, byte[] body, int headerLength) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headerLength >= 0) {
            request.header("Inference-Header-Content-Length", Integer.toString(headerLength));
        }
        return send(request);
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response =
                    http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

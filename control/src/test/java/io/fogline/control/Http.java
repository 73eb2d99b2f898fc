package io.fogline.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.control.common.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small HTTP client for tests: real requests to the control plane on the loopback. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private final String base;
    private final String token;

    public Http(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    /** The same server, another credential (null for none). */
    public Http as(String otherToken) {
        return new Http(base, otherToken);
    }

    private Http(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** An answer: status, headers and body. */
    public record Answer(int status, java.net.http.HttpHeaders headers, byte[] body) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(new String(body), e);
            }
        }

        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String error() {
            return json().path("error").asText();
        }
    }

    public Answer get(String path, Map<String, String> headers) {
        return send(request(path, headers).GET());
    }

    public Answer get(String path) {
        return get(path, Map.of());
    }

    public Answer post(String path, Object body) {
        return send(request(path, Map.of("Content-Type", "application/json"))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    public Answer postBytes(String path, byte[] body) {
        return send(request(path, Map.of("Content-Type", "application/zip"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Answer put(String path, Object body) {
        return putBytes(path, Json.write(body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Answer putBytes(String path, byte[] body) {
        return send(request(path, Map.of("Content-Type", "application/json"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Answer patch(String path, Object body) {
        return send(request(path, Map.of("Content-Type", "application/json"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    private HttpRequest.Builder request(String path, Map<String, String> headers) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        headers.forEach(builder::header);
        return builder;
    }

    private static Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

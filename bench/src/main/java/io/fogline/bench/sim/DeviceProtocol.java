package io.fogline.bench.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The device side of docs/protocol.md for many virtual devices at once: one HTTP client (and its connection pool)
 * shared by all of them, each call blocking its device's virtual thread.
 */
final class DeviceProtocol {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A poll's answer: 304 carries no body. */
    record Polled(int status, JsonNode desired, String etag) {}

    private final URI base;
    private final HttpClient http;

    DeviceProtocol(URI base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    String enrol(String token, String deviceId, Map<String, String> labels) throws IOException {
        byte[] body = JSON.writeValueAsBytes(Map.of("token", token, "device_id", deviceId, "labels", labels));
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(base.resolve("/api/v1/enrol"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        return JSON.readTree(expect(response, 201, "enrolment of " + deviceId))
                .path("credential")
                .asText();
    }

    Polled desired(String deviceId, String credential, String etag) throws IOException {
        HttpRequest.Builder request = authorized("/api/v1/devices/" + deviceId + "/desired", credential);
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        HttpResponse<byte[]> response = send(request.GET());
        if (response.statusCode() == 304) {
            return new Polled(304, null, etag);
        }
        JsonNode desired = JSON.readTree(expect(response, 200, "desired state of " + deviceId));
        return new Polled(200, desired, response.headers().firstValue("ETag").orElse(null));
    }

    /** A bundle's manifest or signature, or a blob: {@code path} below {@code /api/v1/}. */
    byte[] fetch(String path, String credential) throws IOException {
        return expect(send(authorized("/api/v1/" + path, credential).GET()), 200, path);
    }

    boolean feedback(String deviceId, String credential, Map<String, Object> report) throws IOException {
        HttpResponse<byte[]> response = send(authorized("/api/v1/devices/" + deviceId + "/feedback", credential)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(report))));
        return JSON.readTree(expect(response, 200, "feedback of " + deviceId))
                .path("accepted")
                .asBoolean();
    }

    private HttpRequest.Builder authorized(String path, String credential) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + credential);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static byte[] expect(HttpResponse<byte[]> response, int status, String what) throws IOException {
        if (response.statusCode() != status) {
            throw new IOException(what + ": HTTP " + response.statusCode() + " "
                    + new String(response.body(), StandardCharsets.UTF_8).strip());
        }
        return response.body();
    }
}

package io.fogline.bench.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** The operator endpoints the simulator needs: an enrolment token, publishing a bundle, starting and reading a rollout. */
public final class OperatorApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BUSY_RETRIES = 60;

    private final URI base;
    private final String adminToken;
    private final HttpClient http;

    public OperatorApi(URI base, String adminToken, HttpClient http) {
        this.base = base;
        this.adminToken = adminToken;
        this.http = http;
    }

    public String enrolmentToken(String group, long uses) throws IOException {
        return post("enrolment-tokens", Map.of("group", group, "uses", uses, "ttl_seconds", 24 * 3600), 201)
                .path("token")
                .asText();
    }

    /** Publishes a signed bundle; returns its digest. */
    public String publish(Path bundle) throws IOException {
        HttpRequest.Builder request = request("bundles")
                .header("Content-Type", "application/zip")
                .POST(HttpRequest.BodyPublishers.ofFile(bundle));
        return send(request, 201, "publishing " + bundle).path("bundle").asText();
    }

    public long startRollout(Map<String, Object> spec) throws IOException {
        return post("rollouts", spec, 201).path("id").asLong();
    }

    public JsonNode rollout(long id) throws IOException {
        return send(request("rollouts/" + id).GET(), 200, "rollout " + id);
    }

    /** Starts a federated job; returns it as the control plane shows it. */
    public JsonNode startFederatedJob(Map<String, Object> job) throws IOException {
        return post("federated/jobs", job, 201);
    }

    public JsonNode federatedJob(String id) throws IOException {
        return send(request("federated/jobs/" + id).GET(), 200, "federated job " + id);
    }

    /** Devices' health over the last {@code minutes}, as the dashboard shows it. */
    public JsonNode deviceHealth(int minutes) throws IOException {
        return send(request("device-health?minutes=" + minutes).GET(), 200, "device health");
    }

    private JsonNode post(String path, Object body, int status) throws IOException {
        return send(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))),
                status,
                path);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve("/api/v1/" + path)).header("Authorization", "Bearer " + adminToken);
    }

    /**
     * Sends a request; a read the control plane answers 503 (its database busy, say) is sent again after the
     * {@code Retry-After} it gives, for up to {@link #BUSY_RETRIES} times, as a node's poll would be. Writes are not:
     * one refused half-way may have done part of its work.
     */
    private JsonNode send(HttpRequest.Builder request, int status, String what) throws IOException {
        HttpRequest built = request.build();
        try {
            for (int attempt = 0; ; attempt++) {
                HttpResponse<byte[]> response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() == status) {
                    return JSON.readTree(response.body());
                }
                if (response.statusCode() != 503 || !built.method().equals("GET") || attempt == BUSY_RETRIES) {
                    throw new IOException(what + ": HTTP " + response.statusCode() + " "
                            + new String(response.body(), StandardCharsets.UTF_8).strip());
                }
                Thread.sleep(1000
                        * response.headers().firstValueAsLong("Retry-After").orElse(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}

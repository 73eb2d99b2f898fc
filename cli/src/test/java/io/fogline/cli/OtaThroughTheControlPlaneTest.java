package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.bundle.content.Tolerance;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.tensor.Tensor;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.ota.BundlePacker;
import io.fogline.node.ota.OtaOptions;
import io.fogline.runtime.testing.TinyModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's OTA agent against the real control plane (SQLite), over real HTTP: a rollout reaches the node, and a
 * bundle the control plane trusts but the node does not is refused by the node, reported, and rolled back.
 */
class OtaThroughTheControlPlaneTest {

    private static final String ADMIN = "admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private ControlPlane control;
    private FoglineNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (control != null) {
            control.close();
        }
    }

    private JsonNode call(String method, String path, byte[] body, int expected) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control.port() + path))
                .header("Authorization", "Bearer " + ADMIN)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(expected);
        return JSON.readTree(response.body());
    }

    private void awaitField(String path, String field, String value) {
        await().atMost(Duration.ofMinutes(2))
                .until(() -> call("GET", path, null, 200).path(field).asText(), value::equals);
    }

    private Path bundle(int version, long seed, SigningKey key) throws Exception {
        Path model = Files.createDirectories(dir.resolve("fashion-" + version));
        TinyModels.mlp(model.resolve("model.onnx"), 4, 8, 3, seed);
        Path out = dir.resolve("fashion-" + version + ".fbundle");
        List<InferenceRequest> inputs =
                List.of(InferenceRequest.of(Tensor.ofFloats("input", new long[] {1, 4}, 0.1f, 0.9f, 0.3f, 0.5f)));
        BundlePacker.pack(
                model,
                "fashion",
                version,
                new BundlePacker.Golden.Inputs(inputs, Tolerance.DEFAULT),
                Optional.of(key),
                out);
        return out;
    }

    private JsonNode rollout(int version) throws Exception {
        Map<String, Object> spec = Map.of(
                "model", "fashion", "version", version, "target", Map.of("group", "cameras"), "on_failure", "rollback");
        return call("POST", "/api/v1/rollouts", JSON.writeValueAsBytes(spec), 201);
    }

    @Test
    void aRolloutReachesTheNodeAndABundleTheNodeDoesNotTrustIsRefusedReportedAndRolledBack() throws Exception {
        SigningKey operator = SigningKey.generate();
        SigningKey unknownToNodes = SigningKey.generate();
        Path controlTrust = dir.resolve("control-trust.json");
        Path nodeTrust = dir.resolve("node-trust.json");
        TrustStore.of(operator.trusted(), unknownToNodes.trusted()).save(controlTrust);
        TrustStore.of(operator.trusted()).save(nodeTrust);
        control = ControlPlane.start(ControlOptions.defaults(dir.resolve("control"))
                .withHttp("127.0.0.1", 0)
                .withAdminToken(ADMIN)
                .withTrustStore(controlTrust)
                .withPollInterval(Duration.ofSeconds(1))
                .withTime(Clock.systemUTC(), Duration.ofMillis(200)));
        String token = call("POST", "/api/v1/enrolment-tokens", JSON.writeValueAsBytes(Map.of("group", "cameras")), 201)
                .path("token")
                .asText();
        Files.createDirectories(dir.resolve("node/models"));
        node = FoglineNode.start(NodeOptions.defaults(dir.resolve("node/models"))
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withOta(new OtaOptions(
                        URI.create("http://127.0.0.1:" + control.port() + "/"),
                        token,
                        "cam-1",
                        Map.of("site", "berlin"),
                        dir.resolve("node/data"),
                        nodeTrust)));
        await().atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .until(() -> control.fleet().device("cam-1") != null);

        call("POST", "/api/v1/bundles", Files.readAllBytes(bundle(1, 1, operator)), 201);
        long first = rollout(1).path("id").asLong();

        awaitField("/api/v1/rollouts/" + first, "state", "completed");
        JsonNode device = call("GET", "/api/v1/devices/cam-1", null, 200);
        assertThat(device.path("running").toString()).isEqualTo("[{\"model\":\"fashion\",\"version\":1}]");
        assertThat(node.models().isReady("fashion", "1")).isTrue();

        call("POST", "/api/v1/bundles", Files.readAllBytes(bundle(2, 2, unknownToNodes)), 201);
        long second = rollout(2).path("id").asLong();

        awaitField("/api/v1/rollouts/" + second, "state", "rolled_back");
        awaitField("/api/v1/devices/cam-1", "last_status", "switched");
        JsonNode history = call("GET", "/api/v1/devices/cam-1", null, 200);
        assertThat(history.path("running").toString()).isEqualTo("[{\"model\":\"fashion\",\"version\":1}]");
        assertThat(node.models().isReady("fashion", "1")).isTrue();
        assertThat(node.models().isReady("fashion", "2")).isFalse();
        assertThat(dir.resolve("node/models/fashion/2")).doesNotExist();
    }
}

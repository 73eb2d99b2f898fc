package io.fogline.node.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeClient;
import io.fogline.node.NodeOptions;
import io.fogline.node.NodeProtection;
import io.fogline.node.http.ModelControlMode;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real nodes: a fog node serving a bigger MLP, and an edge node serving a small one whose routing section names
 * the fog node as its parent. Inputs the small model is unsure of are answered by the big one.
 */
class TwoTierCascadeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FEATURES = 16;

    @TempDir
    Path fogRepository;

    @TempDir
    Path edgeRepository;

    private FoglineNode fog;
    private FoglineNode edge;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        if (fog != null) {
            fog.close();
        }
    }

    private static FoglineNode start(Path repository) {
        return FoglineNode.start(NodeOptions.defaults(repository)
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withProtection(NodeProtection.defaults().withModelControl(ModelControlMode.EXPLICIT)));
    }

    private static String routing(int fogPort, double threshold) {
        return String.format(Locale.ROOT, """
                {"routing": {"escalate_when": {"max_probability_below": %s},
                  "parents": [{"name": "fog", "url": "http://127.0.0.1:%d", "model": "big"}],
                  "timeout_ms": 5000, "retries": {"max_retries": 0, "initial_backoff_ms": 0, "max_backoff_ms": 0},
                  "circuit_breaker": {"failure_threshold": 1, "open_ms": 60000, "half_open_probes": 1}}}""", threshold, fogPort);
    }

    private static String request(float[] input) {
        StringBuilder data = new StringBuilder();
        for (float value : input) {
            data.append(data.isEmpty() ? "" : ", ").append(value);
        }
        return "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, " + FEATURES
                + "], \"data\": [" + data + "]}]}";
    }

    private static JsonNode infer(NodeClient client, String model, float[] input) throws IOException {
        NodeClient.Reply reply = client.post("/v2/models/" + model + "/infer", request(input));
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return JSON.readTree(reply.body());
    }

    private static double topProbability(JsonNode answer) {
        double top = 0;
        for (JsonNode value : answer.path("outputs").get(0).path("data")) {
            top = Math.max(top, value.asDouble());
        }
        return top;
    }

    @Test
    void theEdgeEscalatesUnsureInputsToTheFogNodeAndSaysSo() throws IOException {
        TestRepository fogModels = new TestRepository(fogRepository);
        TinyModels.mlp(fogModels.modelFile("big", 1), FEATURES, 256, 4, 11);
        fog = start(fogRepository);
        TestRepository edgeModels = new TestRepository(edgeRepository);
        TinyModels.mlp(edgeModels.modelFile("small", 1), FEATURES, 8, 4, 5);
        edgeModels.config("small", routing(fog.port(), 0.0));
        edge = start(edgeRepository);
        NodeClient edgeClient = new NodeClient(edge.port());
        NodeClient fogClient = new NodeClient(fog.port());

        Random random = new Random(3);
        List<float[]> inputs = new ArrayList<>();
        List<Double> confidences = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            float[] input = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                input[j] = (float) random.nextGaussian();
            }
            inputs.add(input);
            JsonNode local = infer(edgeClient, "small", input);
            assertThat(local.path("parameters").path("fogline_tier").asText()).isEqualTo("local");
            confidences.add(local.path("parameters").path("fogline_confidence").asDouble());
            assertThat(confidences.getLast())
                    .isCloseTo(topProbability(local), org.assertj.core.data.Offset.offset(1e-6));
        }
        double threshold = confidences.stream().sorted().toList().get(10);

        // The threshold changes at run time, through the repository API's config override.
        NodeClient.Reply reload = edgeClient.post(
                "/v2/repository/models/small/load",
                JSON.writeValueAsString(JSON.createObjectNode()
                        .set("parameters", JSON.createObjectNode().put("config", routing(fog.port(), threshold)))));
        assertThat(reload.status()).as(reload.text()).isEqualTo(200);

        int escalated = 0;
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode answer = infer(edgeClient, "small", inputs.get(i));
            JsonNode parameters = answer.path("parameters");
            assertThat(parameters.path("fogline_cache").asText()).isEqualTo("miss");
            assertThat(parameters.has("fogline_degraded")).isFalse();
            if (confidences.get(i) < threshold) {
                escalated++;
                assertThat(parameters.path("fogline_tier").asText()).isEqualTo("fog");
                assertThat(parameters.path("fogline_escalation").asText()).isEqualTo("max_probability_below");
                JsonNode direct = infer(fogClient, "big", inputs.get(i));
                assertThat(answer.path("outputs").get(0).path("data"))
                        .as("the big model's answer")
                        .isEqualTo(direct.path("outputs").get(0).path("data"));
            } else {
                assertThat(parameters.path("fogline_tier").asText()).isEqualTo("local");
                assertThat(parameters.path("fogline_escalation").asText()).isEqualTo("none");
            }
        }
        assertThat(escalated).isEqualTo(10);
        String metrics = edgeClient.get("/metrics").text();
        assertThat(metrics)
                .contains("fogline_routing_answers_total{model=\"small\",tier=\"fog\"} 10.0")
                .contains("fogline_routing_escalations_total{model=\"small\",reason=\"max_probability_below\"} 10.0")
                .as("the threshold of the reloaded config, which replaced the first one's 0.0")
                .contains("fogline_routing_escalation_threshold{model=\"small\"} " + threshold);

        // With the fog node gone, the edge answers what it escalated before, and says why.
        fog.close();
        fog = null;
        JsonNode degraded = infer(
                edgeClient,
                "small",
                inputs.get(confidences.indexOf(
                        confidences.stream().min(Double::compare).orElseThrow())));
        assertThat(degraded.path("parameters").path("fogline_tier").asText()).isEqualTo("local");
        assertThat(degraded.path("parameters").path("fogline_degraded").asBoolean())
                .isTrue();
        assertThat(degraded.path("parameters").path("fogline_parent_error").asText())
                .startsWith("fog: ");
        assertThat(edgeClient.get("/metrics").text())
                .contains("fogline_routing_degraded_total{model=\"small\"} 1.0")
                .contains("fogline_routing_breaker_state{parent=\"fog\"} 2.0");
    }

    @Test
    void aLoadWithABrokenRoutingSectionIsRefusedWithTheReason() throws IOException {
        TestRepository edgeModels = new TestRepository(edgeRepository);
        TinyModels.mlp(edgeModels.modelFile("small", 1), FEATURES, 8, 4, 5);
        edge = start(edgeRepository);
        NodeClient client = new NodeClient(edge.port());

        NodeClient.Reply reply = client.post(
                "/v2/repository/models/small/load",
                "{\"parameters\": {\"config\": \"{\\\"routing\\\": {\\\"timeout_ms\\\": -5}}\"}}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.text())
                .isEqualTo("{\"error\":\"invalid routing section: timeout_ms must be positive, got -5\"}");
        JsonNode stillServing = infer(client, "small", new float[FEATURES]);
        assertThat(stillServing.has("parameters"))
                .as("no routing section, no routing parameters")
                .isFalse();
    }

    @Test
    void aBadBudgetParameterIsA400() throws IOException {
        TestRepository edgeModels = new TestRepository(edgeRepository);
        TinyModels.mlp(edgeModels.modelFile("small", 1), FEATURES, 8, 4, 5);
        edgeModels.config("small", routing(1, 0.5));
        edge = start(edgeRepository);
        NodeClient client = new NodeClient(edge.port());

        NodeClient.Reply reply = client.post(
                "/v2/models/small/infer",
                request(new float[FEATURES])
                        .replace("{\"inputs\"", "{\"parameters\": {\"timeout_ms\": 0}, \"inputs\""));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.text())
                .isEqualTo("{\"error\":\"parameters.timeout_ms must be a positive integer of milliseconds, got 0\"}");
    }
}

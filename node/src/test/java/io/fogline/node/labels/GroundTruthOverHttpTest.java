package io.fogline.node.labels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeClient;
import io.fogline.node.NodeOptions;
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
 * Real nodes over HTTP: an edge node that keeps its answers escalates the unsure ones to a fog node; clients then tell
 * the edge the true classes. Ground truth is checked against the answers, the fog node's answers become teacher
 * labels, and bad feedback gets its own status.
 */
class GroundTruthOverHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FEATURES = 16;

    @TempDir
    Path fogRepository;

    @TempDir
    Path edgeRepository;

    @TempDir
    Path edgeData;

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

    private void startNodes(double escalateBelow) throws IOException {
        TestRepository fogModels = new TestRepository(fogRepository);
        TinyModels.mlp(fogModels.modelFile("big", 1), FEATURES, 64, 4, 11);
        fog = FoglineNode.start(
                NodeOptions.defaults(fogRepository).withHost("127.0.0.1").withHttpPort(0));
        TestRepository edgeModels = new TestRepository(edgeRepository);
        TinyModels.mlp(edgeModels.modelFile("small", 1), FEATURES, 8, 4, 5);
        edgeModels.config("small", String.format(Locale.ROOT, """
                {"routing": {"escalate_when": {"max_probability_below": %s},
                  "parents": [{"name": "fog", "url": "http://127.0.0.1:%d", "model": "big"}], "timeout_ms": 5000}}""", escalateBelow, fog.port()));
        edge = FoglineNode.start(NodeOptions.defaults(edgeRepository)
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withLabels(LabelStore.Options.in(edgeData)));
    }

    private static String request(String id, float[] input) {
        StringBuilder data = new StringBuilder();
        for (float value : input) {
            data.append(data.isEmpty() ? "" : ", ").append(value);
        }
        return "{\"id\": \"" + id + "\", \"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, "
                + FEATURES + "], \"data\": [" + data + "]}]}";
    }

    private static int predicted(JsonNode answer) {
        JsonNode scores = answer.path("outputs").get(0).path("data");
        int top = 0;
        for (int i = 1; i < scores.size(); i++) {
            if (scores.get(i).asDouble() > scores.get(top).asDouble()) {
                top = i;
            }
        }
        return top;
    }

    @Test
    void groundTruthIsCheckedAgainstWhatTheNodeAnsweredAndEscalationsLeaveTeacherLabels() throws IOException {
        startNodes(0.5);
        NodeClient client = new NodeClient(edge.port());
        Random random = new Random(7);
        List<JsonNode> answers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            float[] input = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                input[j] = (float) random.nextGaussian() * (i % 2 == 0 ? 0.05f : 3f);
            }
            NodeClient.Reply reply = client.post("/v2/models/small/infer", request("req-" + i, input));
            assertThat(reply.status()).as(reply.text()).isEqualTo(200);
            answers.add(JSON.readTree(reply.body()));
        }
        long escalated = answers.stream()
                .filter(a -> a.path("parameters").path("fogline_tier").asText().equals("fog"))
                .count();
        assertThat(escalated).as("some answers came from the parent, some not").isBetween(1L, 11L);

        int correct = 0;
        for (int i = 0; i < answers.size(); i++) {
            int truth = i % 4;
            NodeClient.Reply reply =
                    client.post("/v2/models/small/feedback", "{\"id\": \"req-" + i + "\", \"label\": " + truth + "}");
            assertThat(reply.status()).as(reply.text()).isEqualTo(200);
            JsonNode taken = JSON.readTree(reply.body());
            assertThat(taken.path("version").asText()).isEqualTo("1");
            assertThat(taken.path("predicted").get(0).asInt()).isEqualTo(predicted(answers.get(i)));
            int right = predicted(answers.get(i)) == truth ? 1 : 0;
            assertThat(taken.path("correct").asInt()).isEqualTo(right);
            correct += right;
        }

        JsonNode counts = JSON.readTree(client.get("/v2/models/small/feedback").body());
        assertThat(counts.path("versions").get(0).path("ground_truth").asLong()).isEqualTo(12);
        assertThat(counts.path("versions").get(0).path("correct").asLong()).isEqualTo(correct);
        assertThat(counts.path("max_examples").asInt()).isEqualTo(10_000);
        List<LabelledExample> examples = new ArrayList<>();
        edge.groundTruth().store().forEachExample("small", examples::add);
        assertThat(examples).hasSize(12).allMatch(e -> e.input().length == FEATURES);
    }

    @Test
    void anEscalatedAnswerIsATeacherExampleWithTheParentsConfidence() throws IOException {
        startNodes(1.0);
        NodeClient client = new NodeClient(edge.port());
        NodeClient.Reply reply = client.post("/v2/models/small/infer", request("hard", new float[FEATURES]));
        JsonNode answer = JSON.readTree(reply.body());
        assertThat(answer.path("parameters").path("fogline_tier").asText()).isEqualTo("fog");
        edge.groundTruth().answers().flush();

        List<LabelledExample> examples = new ArrayList<>();
        edge.groundTruth().store().forEachExample("small", examples::add);

        assertThat(examples).singleElement().satisfies(example -> {
            assertThat(example.source()).isEqualTo(LabelledExample.Source.TEACHER);
            assertThat(example.label()).isEqualTo(predicted(answer));
            assertThat(example.teacherConfidence())
                    .isEqualTo(
                            answer.path("parameters").path("fogline_confidence").asDouble());
        });
    }

    @Test
    void badFeedbackGetsItsOwnStatusAndReason() throws IOException {
        startNodes(0.0);
        NodeClient client = new NodeClient(edge.port());
        assertThat(client.post("/v2/models/small/infer", request("r1", new float[FEATURES]))
                        .status())
                .isEqualTo(200);
        String path = "/v2/models/small/feedback";

        assertReply(
                client.post(path, "{\"id\": \"r9\", \"label\": 1}"), 404, "no answer of model 'small' with id 'r9'");
        assertReply(
                client.post(path, "{\"id\": \"r1\", \"label\": \"cat\"}"),
                400,
                "'label' must be an integer class index, got \\\"cat\\\"");
        assertReply(
                client.post(path, "{\"id\": \"r1\", \"label\": 2.5}"),
                400,
                "'label' must be an integer class index, got 2.5");
        assertReply(
                client.post(path, "{\"id\": \"r1\", \"label\": 4}"),
                400,
                "label 4 is outside the classes of model 'small', 0 to 3");
        assertReply(
                client.post(path, "{\"id\": \"r1\", \"labels\": [1, 2]}"),
                400,
                "the answer 'r1' of model 'small' has 1 row, got 2 labels");
        assertReply(
                client.post(path, "{\"label\": 1}"),
                400,
                "'id' must be the id of the inference request, a non-empty string");
        assertReply(
                client.post(path, "{\"id\": \"r1\", \"label\": 1, \"labels\": [1]}"),
                400,
                "give either 'label' (one row) or 'labels' (one per row of the request)");
        assertThat(client.post(path, "{\"id\": ").status()).isEqualTo(400);
        assertReply(client.post(path, "{\"id\": \"r1\", \"labels\": [3]}"), 200, null);
        assertReply(
                client.post(path, "{\"id\": \"r1\", \"label\": 3}"),
                409,
                "ground truth for the answer 'r1' of model 'small' was given already");
        assertReply(
                client.post("/v2/models/small/versions/1/feedback", "{\"id\": \"r1\", \"label\": 3}"),
                404,
                "no endpoint POST /v2/models/small/versions/1/feedback");
    }

    @Test
    void aNodeWithoutADataDirectoryServesNoGroundTruth() throws IOException {
        TestRepository models = new TestRepository(edgeRepository);
        TinyModels.mlp(models.modelFile("small", 1), FEATURES, 8, 4, 5);
        edge = FoglineNode.start(
                NodeOptions.defaults(edgeRepository).withHost("127.0.0.1").withHttpPort(0));

        assertReply(
                new NodeClient(edge.port()).post("/v2/models/small/feedback", "{\"id\": \"r1\", \"label\": 3}"),
                404,
                "no endpoint POST /v2/models/small/feedback");
    }

    private static void assertReply(NodeClient.Reply reply, int status, String error) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        if (error != null) {
            assertThat(reply.text()).isEqualTo("{\"error\":\"" + error + "\"}");
        }
    }
}

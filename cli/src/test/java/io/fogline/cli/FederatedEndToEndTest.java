package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.bundle.content.Tolerance;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import io.fogline.control.TestStore;
import io.fogline.control.common.Json;
import io.fogline.control.fleet.DeviceFilter;
import io.fogline.control.fleet.DeviceView;
import io.fogline.core.federated.ModelUpdate;
import io.fogline.core.federated.UpdateCodec;
import io.fogline.core.federated.UpdateEncoding;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.tensor.Tensor;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.IdxWriter;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.federated.GlobalModel;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.ota.BundlePacker;
import io.fogline.node.ota.OtaOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A federated job end to end, on SQLite and on PostgreSQL: a control plane and six real nodes, each training a
 * Fashion-MNIST softmax on 300 examples of its own, one of them a {@code fogline node} process killed with a real
 * SIGKILL between its two local epochs and started again, and a seventh device that sends poisoned updates. The
 * control plane is restarted mid-round. The job finishes, the poisoned updates are refused, and the new version is
 * published, rolled out and served by every node.
 */
@ParameterizedClass
@EnumSource(TestStore.class)
class FederatedEndToEndTest {

    private static final String MODEL = "fashion";
    private static final int NODES = 6;
    private static final int EXAMPLES = 300;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Parameter
    TestStore store;

    @TempDir
    Path dir;

    private final SigningKey key = SigningKey.generate();
    private TestStore.Created database;
    private ControlPlane control;
    private final List<FoglineNode> nodes = new ArrayList<>();
    private Process processNode;

    @AfterEach
    void stop() throws InterruptedException {
        if (processNode != null) {
            processNode.destroyForcibly().waitFor();
        }
        nodes.forEach(FoglineNode::close);
        if (control != null) {
            control.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aJobTrainsOnTheNodesRefusesPoisonSurvivesRestartsAndShipsThroughARollout() throws Exception {
        TrainTest data = FashionMnist.load();
        Dataset evaluation = data.test().head(1000);
        Path trust = dir.resolve("trust-store.json");
        TrustStore.of(key.trusted()).save(trust);
        database = store.create();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        control = startControl(port, evaluation);
        control.publisher().publish(baseBundle(data));
        URI controlUrl = URI.create("http://127.0.0.1:" + port);
        String token = control.fleet()
                .issueToken("cameras", Map.of("fl", "yes"), Duration.ofHours(1), NODES)
                .token();
        processNode = nodeProcess(controlUrl, token, trust, nodeData(data, NODES - 1), "training");
        for (int i = 0; i < NODES - 1; i++) {
            Path home = Files.createDirectories(dir.resolve(name(i)));
            nodes.add(FoglineNode.start(NodeOptions.defaults(Files.createDirectories(home.resolve("models")))
                    .withHost("127.0.0.1")
                    .withHttpPort(0)
                    .withOta(new OtaOptions(controlUrl, token, name(i), Map.of(), home.resolve("ota"), trust)
                            .withTrainingData(nodeData(data, i)))));
        }
        Intruder intruder = new Intruder(
                controlUrl,
                control.fleet()
                        .issueToken("intruders", Map.of("fl", "yes"), Duration.ofHours(1), 1)
                        .token());

        JsonNode started = operator("POST", "/api/v1/federated/jobs", job());
        assertThat(started.path("state").asText()).as(started.toString()).isEqualTo("running");

        Path processLog = dir.resolve(name(NODES - 1)).resolve("node.log");
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .until(() ->
                        Files.exists(processLog) && Files.readString(processLog).contains("holding at training"));
        assertThat(Files.readString(processLog))
                .as("held after its first local epoch of two, before any update was sent")
                .contains("local epoch 1/2")
                .doesNotContain("local epoch 2/2")
                .doesNotContain("sent an update");
        processNode.destroyForcibly();
        assertThat(processNode.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(processNode.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        processNode = nodeProcess(controlUrl, token, trust, nodeData(data, NODES - 1), null);

        intruder.await(1);
        assertThat(intruder.upload(1, Float.NaN)).isEqualTo(400);
        assertThat(intruder.upload(1, 1f))
                .as("accepted at the door, screened at aggregation")
                .isEqualTo(200);
        JsonNode first = awaitRound(1, "aggregated");
        assertThat(first.path("aggregated").asInt()).as(first.toString()).isEqualTo(NODES);
        assertThat(first.path("refusals").path("not_finite").asInt())
                .as(first.toString())
                .isEqualTo(1);
        assertThat(first.path("refusals").path("norm_outlier").asInt())
                .as(first.toString())
                .isEqualTo(1);

        intruder.await(2);
        await().atMost(Duration.ofMinutes(3))
                .until(() -> round(2).path("accepted").asInt() == NODES);
        control.close();
        control = startControl(port, evaluation);
        assertThat(round(2).path("state").asText())
                .as("the round goes on after the restart")
                .isEqualTo("open");
        assertThat(intruder.upload(2, 1f)).isEqualTo(200);
        assertThat(awaitRound(2, "aggregated").path("aggregated").asInt()).isEqualTo(NODES);

        intruder.await(3);
        assertThat(intruder.upload(3, -1f)).isEqualTo(200);
        JsonNode done = await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> operator("GET", "/api/v1/federated/jobs/fl-e2e", null),
                        job -> !job.path("state").asText().equals("running")
                                && !job.path("state").asText().equals("publishing"));
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("result_version").asInt()).isEqualTo(2);
        for (JsonNode round : done.path("history")) {
            assertThat(round.path("refusals").path("norm_outlier").asInt()).isEqualTo(1);
            assertThat(round.path("eval_accuracy").asDouble())
                    .as(round.toString())
                    .isGreaterThan(0.6);
        }

        long rollout = done.path("rollout_id").asLong();
        JsonNode shipped = await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> operator("GET", "/api/v1/rollouts/" + rollout, null),
                        view -> !view.path("state").asText().equals("running"));
        assertThat(shipped.path("state").asText()).as(shipped.toString()).isEqualTo("completed");
        List<DeviceView> cameras = control.fleet().devices(new DeviceFilter("cameras", null));
        assertThat(cameras).hasSize(NODES).allSatisfy(device -> assertThat(device.running())
                .singleElement()
                .satisfies(running -> assertThat(running.version()).isEqualTo(2)));
        for (FoglineNode node : nodes) {
            assertThat(infer(node.port(), evaluation)).isEqualTo(200);
        }
    }

    private ControlPlane startControl(int port, Dataset evaluation) throws IOException {
        return ControlPlane.start(
                ControlOptions.defaults(dir.resolve("control"))
                        .withDatabase(database.url())
                        .withHttp("127.0.0.1", port)
                        .withTrustStore(dir.resolve("trust-store.json"))
                        .withPollInterval(Duration.ofSeconds(1))
                        .withTime(Clock.systemUTC(), Duration.ofMillis(200)),
                new LearnFederatedModels(key, evaluation));
    }

    private static Map<String, Object> job() {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("id", "fl-e2e");
        job.put("model", MODEL);
        job.put("version", 1);
        job.put("target", Map.of("selector", "fl=yes"));
        job.put("rounds", 3);
        job.put("clients", Map.of("minimum", NODES + 1));
        job.put("min_replies", NODES - 1);
        job.put("local", Map.of("epochs", 2, "batch_size", 32, "learning_rate", 0.05));
        job.put("encoding", "int8");
        job.put("norm_screen", 3);
        job.put("round_seconds", 180);
        job.put(
                "rollout",
                Map.of(
                        "target", Map.of("group", "cameras"),
                        "waves", Map.of("canary", "1", "factor", 2),
                        "gates", Map.of("device_timeout_seconds", 180, "quality", Map.of("golden_passed", true))));
        return job;
    }

    private JsonNode round(int round) {
        JsonNode history =
                operator("GET", "/api/v1/federated/jobs/fl-e2e", null).path("history");
        return history.size() < round ? Json.MAPPER.createObjectNode() : history.get(round - 1);
    }

    private JsonNode awaitRound(int round, String state) {
        return await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> round(round), view -> view.path("state").asText().equals(state));
    }

    private JsonNode operator(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control.port() + path))
                .header("Authorization", "Bearer " + control.adminToken())
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        HttpResponse<String> response = send(request);
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
        return Json.parse(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int infer(int port, Dataset images) {
        float[] image = Arrays.copyOfRange(images.features(), 0, images.featureCount());
        String body = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1," + image.length
                + "],\"data\":" + Arrays.toString(image) + "}]}";
        return send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/v2/models/" + MODEL + "/versions/2/infer"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)))
                .statusCode();
    }

    private static String name(int node) {
        return String.format("node-%02d", node);
    }

    /** Version 1: a softmax trained centrally on 600 images, with four test images as golden inputs. */
    private Path baseBundle(TrainTest data) throws Exception {
        Network network = ModelSpec.parse("softmax").build(new int[] {1, 28, 28}, 10, 1);
        new Trainer(new TrainingConfig(
                        1, 32, TrainingConfig.OptimizerKind.SGD, 0.05, 0.9, 0, TrainingConfig.Schedule.CONSTANT, 1))
                .fit(network, data.train().head(600), data.test().head(0), TrainingListener.SILENT);
        Path model = Files.createDirectories(dir.resolve("base"));
        Files.write(
                model.resolve("model.onnx"),
                OnnxExporter.toModel(network, new ExportInfo(MODEL, FashionMnist.CLASS_NAMES, "pixels in [0, 1]"))
                        .toByteArray());
        Files.writeString(model.resolve("config.json"), "{\"max_batch_size\": 8}");
        int width = data.test().featureCount();
        List<InferenceRequest> golden = IntStream.range(0, 4)
                .mapToObj(i -> InferenceRequest.of(Tensor.ofFloats(
                        OnnxExporter.INPUT_NAME,
                        new long[] {1, width},
                        Arrays.copyOfRange(data.test().features(), i * width, (i + 1) * width))))
                .toList();
        Path out = dir.resolve(MODEL + "-1.fbundle");
        BundlePacker.pack(
                model, MODEL, 1, new BundlePacker.Golden.Inputs(golden, Tolerance.DEFAULT), Optional.of(key), out);
        return out;
    }

    /** Node {@code node}'s own 300 training images, as the IDX files {@code fogline train} reads. */
    private Path nodeData(TrainTest data, int node) throws IOException {
        Path directory = dir.resolve("data-" + node);
        int[] mine = IntStream.range(node * EXAMPLES, (node + 1) * EXAMPLES).toArray();
        IdxWriter.write(data.train().subset(mine), directory, "train");
        return directory;
    }

    /** {@code fogline node} in a process of its own; with {@code holdAt} its training thread waits there. */
    private Process nodeProcess(URI controlUrl, String token, Path trust, Path trainingData, String holdAt)
            throws IOException {
        String device = name(NODES - 1);
        Path home = Files.createDirectories(dir.resolve(device));
        Files.createDirectories(home.resolve("models"));
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Fogline.class.getName(),
                        "node",
                        "--model-repository=" + home.resolve("models"),
                        "--http-address=127.0.0.1",
                        "--http-port=0",
                        "--control=" + controlUrl,
                        "--enrolment-token=" + token,
                        "--device-id=" + device,
                        "--data-dir=" + home.resolve("ota"),
                        "--trusted-keys=" + trust,
                        "--training-data=" + trainingData)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        home.resolve("node.log").toFile()));
        builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
        builder.environment().remove("FOGLINE_OTA_HALT_AT");
        builder.environment().remove("FOGLINE_OTA_HOLD_AT");
        if (holdAt != null) {
            builder.environment().put("FOGLINE_OTA_HOLD_AT", holdAt);
        }
        return builder.start();
    }

    /** A device that speaks the protocol and sends poisoned updates: NaN, or huge, far from any honest one. */
    private static final class Intruder {
        private final URI control;
        private final String credential;
        private JsonNode task;

        Intruder(URI control, String token) {
            this.control = control;
            HttpResponse<String> enrolled =
                    FederatedEndToEndTest.send(HttpRequest.newBuilder(control.resolve("/api/v1/enrol"))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    Json.write(Map.of("token", token, "device_id", "intruder", "labels", Map.of())))));
            assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
            this.credential = Json.parse(enrolled.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .path("credential")
                    .asText();
            HttpResponse<String> optIn = FederatedEndToEndTest.send(authorized("/api/v1/devices/intruder/federated")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"examples\": 300}")));
            assertThat(optIn.statusCode()).as(optIn.body()).isEqualTo(200);
        }

        private HttpRequest.Builder authorized(String path) {
            return HttpRequest.newBuilder(control.resolve(path)).header("Authorization", "Bearer " + credential);
        }

        /** Polls until the desired state holds round {@code round}. */
        void await(int round) {
            task = org.awaitility.Awaitility.await()
                    .atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofMillis(300))
                    .until(
                            () -> Json.parse(FederatedEndToEndTest.send(authorized("/api/v1/devices/intruder/desired")
                                                    .GET())
                                            .body()
                                            .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                    .path("federated"),
                            federated -> federated.path("round").asInt() == round);
        }

        /** Sends a delta of {@code value} everywhere, claiming 300 examples; returns the status. */
        int upload(int round, float value) {
            HttpResponse<byte[]> weights;
            try {
                weights = HTTP.send(
                        authorized("/api/v1/blobs/" + task.path("weights").asText())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            float[] delta = new float[GlobalModel.parameters(weights.body()).length];
            Arrays.fill(delta, value);
            byte[] body = UpdateCodec.encode(
                    new ModelUpdate("fl-e2e", round, 300, Map.of("loss", 0.1, "accuracy", 0.99), delta),
                    UpdateEncoding.fp32());
            return FederatedEndToEndTest.send(authorized("/api/v1/devices/intruder/updates")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)))
                    .statusCode();
        }
    }
}

package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.bench.sim.OperatorApi;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.bundle.content.Tolerance;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import io.fogline.control.fleet.DeviceFilter;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.tensor.Tensor;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.labels.LabelStore;
import io.fogline.node.ota.BundlePacker;
import io.fogline.node.ota.OtaOptions;
import io.fogline.node.telemetry.TelemetryOptions;
import java.io.IOException;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live rollout gates on real nodes: four nodes serve a Fashion-MNIST softmax that escalates to a parent node when
 * unsure, and their clients send requests and the ground truth of every answer all along. Canaries go to the two nodes
 * of ring {@code canary}; each is judged, after a bake long enough for telemetry of a loaded test machine to arrive, on its escalation rate and live accuracy against the two nodes
 * still on the old version, from the telemetry the nodes send. A retrained version passes; one that answers
 * confidently wrong fails on live accuracy, one that is unsure of everything fails on its escalation rate, and both are
 * rolled back.
 */
class LiveGatesOnRealNodesTest {

    private static final String MODEL = "fashion";
    private static final int NODES = 4;
    private static final int WIDTH = 28 * 28;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private final SigningKey key = SigningKey.generate();
    private final List<FoglineNode> nodes = new ArrayList<>();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private FoglineNode parent;
    private ControlPlane control;
    private final List<Thread> traffic = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        sending.set(false);
        for (Thread client : traffic) {
            client.join();
        }
        nodes.forEach(FoglineNode::close);
        if (parent != null) {
            parent.close();
        }
        if (control != null) {
            control.close();
        }
    }

    @Test
    void aCanaryIsJudgedOnItsLiveEscalationRateAndAccuracyAgainstTheNodesStillOnTheOldVersion() throws Exception {
        TrainTest data = FashionMnist.load();
        Dataset train = data.train().head(3000);
        Network good = train(train, 1);
        Network retrained = train(train, 2);
        Network wrong = train(rotatedLabels(train), 1);
        Network unsure = train(train, 1);
        float[] flat = unsure.parameterVector();
        for (int i = 0; i < flat.length; i++) {
            flat[i] *= 0.02f;
        }
        unsure.loadParameterVector(flat);

        parent = startParent(good);
        Path trust = dir.resolve("trust-store.json");
        TrustStore.of(key.trusted()).save(trust);
        control = ControlPlane.start(ControlOptions.defaults(dir.resolve("control"))
                .withHttp("127.0.0.1", 0)
                .withTrustStore(trust)
                .withPollInterval(Duration.ofSeconds(1))
                .withTime(Clock.systemUTC(), Duration.ofMillis(200)));
        OperatorApi operator =
                new OperatorApi(URI.create("http://127.0.0.1:" + control.port()), control.adminToken(), HTTP);
        Network[] versions = {good, retrained, wrong, unsure};
        for (int v = 0; v < versions.length; v++) {
            operator.publish(bundle(versions[v], v + 1, data.test()));
        }
        String token = operator.enrolmentToken("cameras", NODES);
        URI controlUrl = URI.create("http://127.0.0.1:" + control.port());
        for (int i = 0; i < NODES; i++) {
            String id = "cam-" + i;
            Path home = Files.createDirectories(dir.resolve(id));
            nodes.add(FoglineNode.start(NodeOptions.defaults(Files.createDirectories(home.resolve("models")))
                    .withHost("127.0.0.1")
                    .withHttpPort(0)
                    .withLabels(LabelStore.Options.in(home))
                    .withOta(new OtaOptions(
                                    controlUrl,
                                    token,
                                    id,
                                    Map.of("ring", i < 2 ? "canary" : "main"),
                                    home.resolve("ota"),
                                    trust)
                            .withTelemetry(new TelemetryOptions(
                                    Duration.ofSeconds(1),
                                    TelemetryOptions.defaults().outboxMaxBytes(),
                                    TelemetryOptions.defaults().batchMaxBytes(),
                                    TelemetryOptions.defaults().maxMergedWindows())))));
        }
        // A rollout targets the devices enrolled when it starts: a node still enrolling would be left out of it.
        await().atMost(Duration.ofMinutes(1))
                .alias("every node enrols")
                .until(() -> control.fleet()
                                .devices(new DeviceFilter("cameras", null))
                                .size()
                        == NODES);
        assertThat(ended(operator, operator.startRollout(rollout(1, Map.of("group", "cameras"), null)))
                        .path("state")
                        .asText())
                .isEqualTo("completed");
        for (int client = 0; client < 2; client++) {
            int pair = client;
            traffic.add(Thread.ofPlatform().daemon().start(() -> sendTraffic(data.test(), pair)));
        }
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .alias("every node's traffic and ground truth reach the control plane in its telemetry")
                .until(() -> control.health().health(Duration.ofMinutes(1)).devices().stream()
                                .filter(device -> device.figures().groundTruth() > 0)
                                .count()
                        == NODES);

        Map<String, Object> live = Map.of(
                "bake_seconds", 30,
                "min_requests", 15,
                "min_ground_truth", 15,
                "max_escalation_rate_increase", 0.35,
                "max_accuracy_drop", 0.35);
        JsonNode retrainedRollout =
                ended(operator, operator.startRollout(rollout(2, Map.of("selector", "ring=canary"), live)));
        assertThat(retrainedRollout.path("state").asText())
                .as(retrainedRollout.toString())
                .isEqualTo("completed");

        JsonNode wrongRollout =
                ended(operator, operator.startRollout(rollout(3, Map.of("selector", "ring=canary"), live)));
        assertThat(wrongRollout.path("state").asText())
                .as(wrongRollout.toString())
                .isEqualTo("rolled_back");
        assertThat(wrongRollout.path("waves").path(0).path("reason").asText())
                .startsWith("live gates: ")
                .contains("live accuracy")
                .contains("fell below the old version's");

        JsonNode unsureRollout =
                ended(operator, operator.startRollout(rollout(4, Map.of("selector", "ring=canary"), live)));
        assertThat(unsureRollout.path("state").asText())
                .as(unsureRollout.toString())
                .isEqualTo("rolled_back");
        assertThat(unsureRollout.path("waves").path(0).path("reason").asText())
                .startsWith("live gates: escalation rate ")
                .doesNotContain("live accuracy");

        for (int i = 0; i < 2; i++) {
            int node = i;
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> served(nodes.get(node), data.test()).equals("2"));
        }
    }

    private static Network train(Dataset images, long seed) {
        Network network = ModelSpec.parse("softmax").build(new int[] {1, 28, 28}, 10, seed);
        new Trainer(TrainingConfig.adam(2, seed)).fit(network, images, images.head(0), TrainingListener.SILENT);
        return network;
    }

    /** The same images, each labelled as the next class: what a model trained on a broken labelling job learns. */
    private static Dataset rotatedLabels(Dataset images) {
        int[] labels =
                Arrays.stream(images.labels()).map(label -> (label + 1) % 10).toArray();
        return new Dataset(images.features(), labels, images.sampleShape(), images.classNames());
    }

    private static byte[] onnx(Network network) {
        return OnnxExporter.toModel(network, new ExportInfo(MODEL, FashionMnist.CLASS_NAMES, "pixels in [0, 1]"))
                .toByteArray();
    }

    private FoglineNode startParent(Network network) throws IOException {
        Path repository = dir.resolve("parent");
        Files.write(
                Files.createDirectories(repository.resolve("big").resolve("1")).resolve("model.onnx"), onnx(network));
        return FoglineNode.start(
                NodeOptions.defaults(repository).withHost("127.0.0.1").withHttpPort(0));
    }

    /** A version that escalates to the parent below a top probability of 0.5, with four golden test images. */
    private Path bundle(Network network, int version, Dataset test) throws Exception {
        Path files = Files.createDirectories(dir.resolve("bundle-" + version));
        Files.write(files.resolve("model.onnx"), onnx(network));
        Files.writeString(
                files.resolve("config.json"),
                String.format(
                        Locale.ROOT,
                        "{\"routing\": {\"escalate_when\": {\"max_probability_below\": 0.5}, \"parents\": [{\"name\":"
                                + " \"fog\", \"url\": \"http://127.0.0.1:%d\", \"model\": \"big\"}], \"timeout_ms\":"
                                + " 5000}}",
                        parent.port()));
        List<InferenceRequest> golden = IntStream.range(0, 4)
                .mapToObj(i -> InferenceRequest.of(Tensor.ofFloats(
                        OnnxExporter.INPUT_NAME,
                        new long[] {1, WIDTH},
                        Arrays.copyOfRange(test.features(), i * WIDTH, (i + 1) * WIDTH))))
                .toList();
        Path out = dir.resolve(MODEL + "-" + version + ".fbundle");
        BundlePacker.pack(
                files,
                MODEL,
                version,
                new BundlePacker.Golden.Inputs(golden, Tolerance.DEFAULT),
                Optional.of(key),
                out);
        return out;
    }

    private static Map<String, Object> rollout(int version, Map<String, String> target, Map<String, Object> live) {
        Map<String, Object> gates = new LinkedHashMap<>();
        gates.put("device_timeout_seconds", 120);
        gates.put("quality", Map.of("golden_passed", true));
        if (live != null) {
            gates.put("live", live);
        }
        return Map.of(
                "model", MODEL,
                "version", version,
                "target", target,
                "waves", Map.of("canary", "100%"),
                "gates", gates,
                "on_failure", "rollback");
    }

    private static JsonNode ended(OperatorApi operator, long id) {
        return await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> operator.rollout(id), view -> !List.of("running", "planned")
                        .contains(view.path("state").asText()));
    }

    /**
     * A client of a canary node and a node of the main ring in turn ({@code pair} and {@code pair + 2}), so both sides
     * see the same images: test images with ids, and the true class of every answer right after it.
     */
    private void sendTraffic(Dataset test, int pair) {
        for (long n = 0; sending.get(); n++) {
            FoglineNode node = nodes.get(pair + 2 * (int) (n % 2));
            int image = (int) ((n / 2) % test.size());
            String id = "r" + pair + "-" + n;
            try {
                if (post(node, "/infer", request(id, test, image)) == 200) {
                    post(node, "/feedback", "{\"id\": \"" + id + "\", \"label\": " + test.labels()[image] + "}");
                }
            } catch (IOException e) {
                // A node restarting its model answers again a moment later; the gates judge what arrived.
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static int post(FoglineNode node, String path, String body) throws IOException, InterruptedException {
        return HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + node.port() + "/v2/models/" + MODEL + path))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** The version that answers an unversioned request now. */
    private static String served(FoglineNode node, Dataset test) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/v2/models/" + MODEL + "/infer"))
                        .POST(HttpRequest.BodyPublishers.ofString(request("served", test, 0)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return io.fogline.control.common.Json.parse(answer.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .path("model_version")
                .asText();
    }

    private static String request(String id, Dataset test, int image) {
        StringBuilder body = new StringBuilder("{\"id\": \"" + id + "\", \"inputs\": [{\"name\": \"input\","
                + " \"datatype\": \"FP32\", \"shape\": [1, " + WIDTH + "], \"data\": [");
        for (int i = 0; i < WIDTH; i++) {
            body.append(i == 0 ? "" : ",").append(test.features()[image * WIDTH + i]);
        }
        return body.append("]}]}").toString();
    }
}

package io.fogline.bench.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.bench.serving.Machine;
import io.fogline.bench.sim.OperatorApi;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.bundle.content.Tolerance;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import io.fogline.control.federated.FederatedModels;
import io.fogline.control.fleet.DeviceFilter;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.tensor.Tensor;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.federated.GlobalModel;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Evaluation;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.labels.LabelStore;
import io.fogline.node.ota.BundlePacker;
import io.fogline.node.ota.CalibrationOptions;
import io.fogline.node.ota.OtaOptions;
import io.fogline.routing.RoutingParameters;
import io.fogline.routing.policy.RoutingPolicy;
import io.fogline.routing.score.ClassDistribution;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The field loop measured (issue 14): a parent node serving a bigger model, a control plane, and edge nodes, one per
 * site, each seeing a shifted input mix. The edge model comes from a lab that saw little of the classes the sites
 * see most. Each site's clients send requests and ground truth for part of the answers; escalated answers leave the
 * parent's answer as a teacher label. A federated job then trains the edge model on what the nodes collected, in their
 * label stores, through the control plane's rounds, and rolls the result out. The same sites then send fresh requests:
 * the escalation rate and the live accuracy (the node's own count of ground truth answered right, what its telemetry
 * reports) before and after are the figures.
 */
public final class LoopBenchmark {

    /** The control plane's federated models; the CLI's, which pack and sign the results as {@code fogline} does. */
    public interface Models {
        FederatedModels create(SigningKey key, Dataset evaluation);
    }

    /** What a site's answers in one phase came to. */
    public record Phase(String version, long requests, long escalated, long groundTruth, long correct) {

        double escalationRate() {
            return (double) escalated / requests;
        }

        double accuracy() {
            return groundTruth == 0 ? Double.NaN : (double) correct / groundTruth;
        }

        Phase plus(Phase other) {
            return new Phase(
                    version,
                    requests + other.requests,
                    escalated + other.escalated,
                    groundTruth + other.groundTruth,
                    correct + other.correct);
        }
    }

    /**
     * @param edgeBefore the edge model's own accuracy (every answer its own, none escalated) on the site's images of
     *     the after phase, version 1; {@code edgeAfter} the same of the version the job published
     * @param thresholdAfter the escalation threshold the published version serves at on the site's node
     * @param parentBefore the parent's own accuracy on the site's images of the before phase, {@code parentAfter} on
     *     those of the after phase: how much harder one draw is than the other
     * @param cascadeBefore version 1 at the bundle's threshold with the parent above it, on the after phase's images;
     *     {@code cascadeAfter} the published version at {@code thresholdAfter}: the two cascades on the same images
     */
    public record Site(
            String name,
            int[] homeClasses,
            Phase before,
            Phase after,
            long examplesTrainedOn,
            double edgeBefore,
            double edgeAfter,
            double thresholdAfter,
            double parentBefore,
            double parentAfter,
            double cascadeBefore,
            double cascadeAfter) {}

    public record Result(
            Machine machine,
            String loadAtEnd,
            LoopOptions options,
            double parentAccuracy,
            double edgeAccuracy,
            List<Double> roundAccuracies,
            List<Site> sites,
            Duration jobTime) {

        Phase fleet(boolean after) {
            return sites.stream()
                    .map(site -> after ? site.after() : site.before())
                    .reduce(Phase::plus)
                    .orElseThrow();
        }
    }

    static final String EDGE = "edge";
    static final String PARENT = "parent";
    private static final String JOB = "fl-loop";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(10);

    private final LoopOptions options;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();
    private OperatorApi operator;

    private LoopBenchmark(LoopOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static Result run(LoopOptions options, Models models, PrintStream out) throws IOException {
        Machine machine = Machine.describe(options.report());
        Result result = new LoopBenchmark(options, out).measure(machine, models);
        LoopReport.write(result);
        out.println(
                options.report() == null
                        ? "wrote " + options.chart()
                        : "wrote " + options.report() + " and " + options.chart());
        return result;
    }

    private Result measure(Machine machine, Models models) throws IOException {
        Path work = options.work().resolve("run");
        deleteTree(work);
        Files.createDirectories(work);
        TrainTest data = FashionMnist.load(options.data());
        Dataset field = data.train().subset(IntStream.range(25_000, 60_000).toArray());
        Dataset evaluation = data.test().head(2000);
        out.println("training the parent model (mlp:128) on 15,000 images");
        Network parent = train("mlp:128", data.train().head(15_000), 6);
        out.println("training the edge model (softmax) on the lab's images, mostly classes 0 to 4");
        Network edge = train("softmax", labImages(data.train()), 3);
        double parentAccuracy = Evaluation.accuracy(parent, data.test());
        double edgeAccuracy = Evaluation.accuracy(edge, data.test());
        out.printf(
                Locale.ROOT, "test accuracy: parent %.2f%%, edge %.2f%%%n", parentAccuracy * 100, edgeAccuracy * 100);

        SigningKey key = SigningKey.generate();
        Path trust = work.resolve("trust-store.json");
        TrustStore.of(key.trusted()).save(trust);
        List<FoglineNode> nodes = new ArrayList<>();
        FoglineNode parentNode = null;
        ControlPlane control = null;
        try {
            parentNode = startParent(work, parent);
            control = ControlPlane.start(
                    ControlOptions.defaults(work.resolve("control"))
                            .withHttp("127.0.0.1", 0)
                            .withTrustStore(trust)
                            .withPollInterval(Duration.ofSeconds(1))
                            .withTime(Clock.systemUTC(), Duration.ofMillis(200)),
                    models.create(key, evaluation));
            URI controlUrl = URI.create("http://127.0.0.1:" + control.port());
            operator = new OperatorApi(controlUrl, control.adminToken(), http);
            operator.publish(edgeBundle(work, edge, parentNode.port(), data.test(), key));
            String token = operator.enrolmentToken("sites", options.sites());
            CalibrationOptions calibration = options.calibrate() ? CalibrationOptions.defaults() : null;
            for (int i = 0; i < options.sites(); i++) {
                Path home = Files.createDirectories(work.resolve(site(i)));
                nodes.add(FoglineNode.start(NodeOptions.defaults(Files.createDirectories(home.resolve("models")))
                        .withHost("127.0.0.1")
                        .withHttpPort(0)
                        .withLabels(LabelStore.Options.in(home))
                        .withOta(new OtaOptions(
                                        controlUrl, token, site(i), Map.of("site", site(i)), home.resolve("ota"), trust)
                                .withCalibration(calibration))));
            }
            // A rollout targets the devices enrolled when it starts: a node still enrolling would be left out.
            ControlPlane enrolling = control;
            until(
                    () -> Optional.of(enrolling
                                    .fleet()
                                    .devices(new DeviceFilter("sites", null))
                                    .size())
                            .filter(enrolled -> enrolled == options.sites()),
                    "every site to enrol");
            awaitRollout(operator.startRollout(rollout(1)));
            out.println("every site serves edge version 1");

            FieldSites sites = new FieldSites(field);
            List<Phase> before = new ArrayList<>();
            for (int i = 0; i < options.sites(); i++) {
                before.add(phase(nodes.get(i), i, sites, field, false));
            }
            long[] examples = nodes.stream()
                    .mapToLong(node -> trainedOn(node.groundTruth().store(), calibration))
                    .toArray();
            long started = System.nanoTime();
            operator.startFederatedJob(job());
            JsonNode done = until(
                    () -> Optional.of(operator.federatedJob(JOB)).filter(job -> !Arrays.asList("running", "publishing")
                            .contains(job.path("state").asText())),
                    "the federated job to finish");
            if (!done.path("state").asText().equals("completed")) {
                throw new IllegalStateException("the federated job ended " + done);
            }
            awaitRollout(done.path("rollout_id").asLong());
            Duration jobTime = Duration.ofNanos(System.nanoTime() - started);
            List<Double> rounds = new ArrayList<>();
            done.path("history")
                    .forEach(round -> rounds.add(round.path("eval_accuracy").asDouble()));
            out.printf(
                    Locale.ROOT,
                    "federated job completed in %d s; every site serves edge version %d%n",
                    jobTime.toSeconds(),
                    done.path("result_version").asLong());

            List<Site> measured = new ArrayList<>();
            for (int i = 0; i < options.sites(); i++) {
                Phase after = phase(nodes.get(i), i, sites, field, true);
                Dataset seen = field.subset(sites.draw(i, true, options.requests(), options.seed()));
                Network published = GlobalModel.read(Files.readAllBytes(nodes.get(i)
                                .models()
                                .repository()
                                .resolve(EDGE)
                                .resolve(after.version())
                                .resolve("model.onnx")))
                        .network();
                Dataset seenBefore = field.subset(sites.draw(i, false, options.requests(), options.seed()));
                double threshold = RoutingPolicy.parse(
                                nodes.get(i).models().config(EDGE).routing())
                        .rules()
                        .maxProbabilityBelow();
                measured.add(new Site(
                        site(i),
                        FieldSites.homeClasses(i),
                        before.get(i),
                        after,
                        examples[i],
                        Evaluation.accuracy(edge, seen),
                        Evaluation.accuracy(published, seen),
                        threshold,
                        Evaluation.accuracy(parent, seenBefore),
                        Evaluation.accuracy(parent, seen),
                        cascadeAccuracy(edge, options.escalateBelow(), parent, seen),
                        cascadeAccuracy(published, threshold, parent, seen)));
            }
            return new Result(
                    machine, Machine.loadAverage(), options, parentAccuracy, edgeAccuracy, rounds, measured, jobTime);
        } finally {
            nodes.forEach(FoglineNode::close);
            if (parentNode != null) {
                parentNode.close();
            }
            if (control != null) {
                control.close();
            }
        }
    }

    private static String site(int i) {
        return "site-" + i;
    }

    private Network train(String spec, Dataset images, int epochs) {
        Network network = ModelSpec.parse(spec).build(new int[] {1, 28, 28}, FieldSites.CLASSES, options.seed());
        new Trainer(TrainingConfig.adam(epochs, options.seed()))
                .fit(network, images, images.head(0), TrainingListener.SILENT);
        return network;
    }

    /** The lab's training set: every image of classes 0 to 4 among 10,000, and one in twenty-five of the others. */
    private static Dataset labImages(Dataset train) {
        return train.subset(IntStream.range(15_000, 25_000)
                .filter(i -> train.labels()[i] < 5 || i % 25 == 0)
                .toArray());
    }

    private static FoglineNode startParent(Path work, Network parent) throws IOException {
        Path repository = work.resolve("parent-models");
        Path version = Files.createDirectories(repository.resolve(PARENT).resolve("1"));
        Files.write(version.resolve("model.onnx"), onnx(parent, PARENT));
        Files.writeString(repository.resolve(PARENT).resolve("config.json"), "{\"max_batch_size\": 8}");
        return FoglineNode.start(
                NodeOptions.defaults(repository).withHost("127.0.0.1").withHttpPort(0));
    }

    private static byte[] onnx(Network network, String name) {
        return OnnxExporter.toModel(network, new ExportInfo(name, FashionMnist.CLASS_NAMES, "pixels in [0, 1]"))
                .toByteArray();
    }

    /** Version 1 of the edge model: escalating below the threshold to the parent node, four test images as golden. */
    private Path edgeBundle(Path work, Network edge, int parentPort, Dataset test, SigningKey key) throws IOException {
        Path model = Files.createDirectories(work.resolve("edge-bundle"));
        Files.write(model.resolve("model.onnx"), onnx(edge, EDGE));
        Files.writeString(
                model.resolve("config.json"),
                String.format(
                        Locale.ROOT,
                        "{\"max_batch_size\": 8, \"routing\": {\"escalate_when\": {\"max_probability_below\": %s},"
                                + " \"parents\": [{\"name\": \"parent\", \"url\": \"http://127.0.0.1:%d\", \"model\":"
                                + " \"%s\"}], \"timeout_ms\": 5000}}",
                        options.escalateBelow(),
                        parentPort,
                        PARENT));
        int width = test.featureCount();
        List<InferenceRequest> golden = IntStream.range(0, 4)
                .mapToObj(i -> InferenceRequest.of(Tensor.ofFloats(
                        OnnxExporter.INPUT_NAME,
                        new long[] {1, width},
                        Arrays.copyOfRange(test.features(), i * width, (i + 1) * width))))
                .toList();
        Path out = work.resolve("edge-1.fbundle");
        try {
            BundlePacker.pack(
                    model, EDGE, 1, new BundlePacker.Golden.Inputs(golden, Tolerance.DEFAULT), Optional.of(key), out);
        } catch (io.fogline.bundle.BundleException e) {
            throw new IOException("packing the edge model: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * One site's traffic in a phase: its requests, ground truth for a share of the answers, and the figures: the
     * escalations its clients saw, and the live accuracy the node counted for the version that answered.
     */
    /** The examples a node's rounds train on: all it holds, but those held out for calibration. */
    private static long trainedOn(LabelStore store, CalibrationOptions calibration) {
        long[] count = {0};
        store.forEachExample(EDGE, example -> {
            if (calibration == null || !calibration.heldOut(example)) {
                count[0]++;
            }
        });
        return count[0];
    }

    /**
     * The share of {@code images} a cascade answers right: the edge network's answer where its top probability is
     * at least {@code threshold}, the parent's elsewhere, as the node's router decides.
     */
    private static double cascadeAccuracy(Network edge, double threshold, Network parent, Dataset images) {
        int classes = edge.classCount();
        float[] local = Evaluation.probabilities(edge, images);
        float[] above = Evaluation.probabilities(parent, images);
        int right = 0;
        for (int i = 0; i < images.size(); i++) {
            ClassDistribution answer = ClassDistribution.of(local, i * classes, classes, false);
            int answered = answer.topProbability() < threshold
                    ? ClassDistribution.of(above, i * classes, classes, false).topClass()
                    : answer.topClass();
            right += answered == images.labels()[i] ? 1 : 0;
        }
        return (double) right / images.size();
    }

    private Phase phase(FoglineNode node, int site, FieldSites sites, Dataset field, boolean after) {
        Random feedback = new Random(options.seed() * 17 + site + (after ? 1000 : 0));
        int width = field.featureCount();
        long escalated = 0;
        String version = null;
        int[] drawn = sites.draw(site, after, options.requests(), options.seed());
        for (int k = 0; k < drawn.length; k++) {
            int index = drawn[k];
            String id = (after ? "after-" : "before-") + k;
            JsonNode answer = post(
                    node.port(),
                    "/v2/models/" + EDGE + "/infer",
                    inferBody(id, Arrays.copyOfRange(field.features(), index * width, (index + 1) * width)));
            version = answer.path("model_version").asText();
            if (!RoutingParameters.LOCAL.equals(
                    answer.path("parameters").path(RoutingParameters.TIER).asText(RoutingParameters.LOCAL))) {
                escalated++;
            }
            if (feedback.nextDouble() < options.feedbackShare()) {
                post(node.port(), "/v2/models/" + EDGE + "/feedback", Map.of("id", id, "label", field.labels()[index]));
            }
        }
        String answered = version;
        LabelStore.VersionCounts counts = node.groundTruth().store().counts(EDGE).stream()
                .filter(c -> c.version().equals(answered))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no ground truth counted for version " + answered));
        Phase phase = new Phase(version, options.requests(), escalated, counts.groundTruth(), counts.correct());
        out.printf(
                Locale.ROOT,
                "%s %s (version %s): %.1f%% escalated, live accuracy %.2f%% on %d labels%n",
                site(site),
                after ? "after" : "before",
                version,
                phase.escalationRate() * 100,
                phase.accuracy() * 100,
                phase.groundTruth());
        return phase;
    }

    private static String inferBody(String id, float[] image) {
        StringBuilder body = new StringBuilder("{\"id\":\"")
                .append(id)
                .append("\",\"inputs\":[{\"name\":\"")
                .append(OnnxExporter.INPUT_NAME)
                .append("\",\"datatype\":\"FP32\",\"shape\":[1,")
                .append(image.length)
                .append("],\"data\":[");
        for (int i = 0; i < image.length; i++) {
            body.append(i == 0 ? "" : ",").append(image[i]);
        }
        return body.append("]}]}").toString();
    }

    private Map<String, Object> rollout(long version) {
        Map<String, Object> rollout = new LinkedHashMap<>();
        rollout.put("model", EDGE);
        rollout.put("version", version);
        rollout.putAll(rolloutOfResult());
        return rollout;
    }

    private static Map<String, Object> rolloutOfResult() {
        return Map.of(
                "target", Map.of("group", "sites"),
                "waves", Map.of("canary", "100%"),
                "gates", Map.of("device_timeout_seconds", 300, "quality", Map.of("golden_passed", true)),
                "on_failure", "pause");
    }

    private Map<String, Object> job() {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("id", JOB);
        job.put("model", EDGE);
        job.put("version", 1);
        job.put("target", Map.of("group", "sites"));
        job.put("rounds", options.rounds());
        job.put("clients", Map.of("minimum", options.sites()));
        job.put("min_replies", options.sites());
        job.put(
                "local",
                Map.of("epochs", options.localEpochs(), "batch_size", 16, "learning_rate", options.learningRate()));
        job.put("round_seconds", 300);
        job.put("rollout", rolloutOfResult());
        return job;
    }

    private void awaitRollout(long id) throws IOException {
        JsonNode rollout = until(
                () -> Optional.of(operator.rollout(id))
                        .filter(view -> !view.path("state").asText().equals("running")),
                "rollout " + id + " to finish");
        if (!rollout.path("state").asText().equals("completed")) {
            throw new IllegalStateException("rollout " + id + " ended " + rollout);
        }
    }

    /** A check that reads the control plane. */
    private interface Check<T> {
        Optional<T> get() throws IOException;
    }

    private static <T> T until(Check<T> check, String what) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = check.get();
            if (value.isPresent()) {
                return value.get();
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
        throw new IllegalStateException("gave up after " + WAIT.toMinutes() + " minutes waiting for " + what);
    }

    private JsonNode post(int port, String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(body instanceof String text ? HttpRequest.BodyPublishers.ofString(text) : json(body))
                .build());
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private JsonNode send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                        request.method() + " " + request.uri() + ": " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

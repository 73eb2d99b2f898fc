package io.fogline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.bench.sim.FashionBundle;
import io.fogline.bench.sim.OperatorApi;
import io.fogline.bundle.BundleUnpacker;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import io.fogline.control.fleet.DeviceFilter;
import io.fogline.control.monitor.HealthViews;
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.IdxWriter;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.labels.LabelStore;
import io.fogline.node.ota.OtaOptions;
import io.fogline.node.telemetry.TelemetryOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The fleet half of the demo: a control plane on embedded SQLite, a signing key it trusts, three nodes serving a
 * Fashion-MNIST model and enrolled to it, and a better model signed, published and rolled out to them in waves (a
 * canary first) while clients keep sending them images; then a short federated job among the nodes, whose result is
 * published and rolled out in turn.
 */
final class DemoFleet implements AutoCloseable {

    static final String MODEL = "fashion";
    private static final String GROUP = "demo";
    private static final int NODES = 3;
    private static final int LOCAL_EXAMPLES = 2000;
    private static final int EVALUATION_IMAGES = 1000;

    /**
     * Test images the clients cycle through during the rollout: a sample large enough that the slice a node answers
     * with one version looks like the bundle's reference statistics (a 100-image stretch of the test split can differ
     * from them by a PSI of 0.2 by chance alone, and would raise a drift alert).
     */
    private static final int TRAFFIC_IMAGES = 1000;

    private static final int CHECKED_IMAGES = 200;
    private static final int FEDERATED_ROUNDS = 3;
    private static final Duration ROLLOUT_LIMIT = Duration.ofSeconds(120);
    private static final String MARKER = ".fogline-demo";
    private static final Set<String> ENDED = Set.of("completed", "rolled_back", "aborted");

    /** Short windows, so that the dashboard charts the demo's traffic seconds after it is sent. */
    static final Duration TELEMETRY_WINDOW = Duration.ofSeconds(5);

    private final Path directory;
    private final Path fashionMnist;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<FoglineNode> nodes = new ArrayList<>();
    private ControlPlane control;
    private OperatorApi operator;
    private SigningKey key;

    private DemoFleet(Path directory, Path fashionMnist, PrintStream out) {
        this.directory = directory;
        this.fashionMnist = fashionMnist;
        this.out = out;
    }

    /**
     * Starts the control plane and the nodes in {@code directory} (made ready by {@link #prepare}), each serving
     * version 1 of a model trained on the Fashion-MNIST files in {@code fashionMnist}, and waits until every node has
     * enrolled.
     */
    static DemoFleet start(Path directory, int controlPort, Path fashionMnist, PrintStream out) throws Exception {
        DemoFleet fleet = new DemoFleet(directory, fashionMnist, out);
        try {
            fleet.startAll(controlPort);
            return fleet;
        } catch (Exception e) {
            fleet.close();
            throw e;
        }
    }

    /**
     * Why the demo may not empty {@code directory}, or null when it may: it must be new, empty, or one an earlier demo
     * wrote (it leaves a marker file).
     */
    static String refusal(Path directory) throws IOException {
        if (!Files.isDirectory(directory) || Files.exists(directory.resolve(MARKER))) {
            return null;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty()
                    ? null
                    : "--demo-dir " + directory + " holds files an earlier demo did not write; the demo empties its"
                            + " directory, so give it a new or empty one";
        }
    }

    /** Empties {@code directory} (refused unless {@link #refusal} allows it) and marks it as the demo's. */
    static void prepare(Path directory) throws IOException {
        if (refusal(directory) != null) {
            throw new IOException(refusal(directory));
        }
        if (Files.exists(directory)) {
            BundleUnpacker.deleteTree(directory);
        }
        Files.createDirectories(directory);
        Files.createFile(directory.resolve(MARKER));
    }

    private void startAll(int controlPort) throws Exception {
        key = SigningKey.generate();
        key.write(directory.resolve("signing-key.json"));
        Path trust = directory.resolve("trust-store.json");
        TrustStore.of(key.trusted()).save(trust);
        out.printf("signing key %s in %s; control plane and nodes trust it%n", key.keyId(), directory);
        control = ControlPlane.start(
                ControlOptions.defaults(directory.resolve("control"))
                        .withHttp("127.0.0.1", controlPort)
                        .withTrustStore(trust)
                        .withPollInterval(Duration.ofSeconds(1)),
                new LearnFederatedModels(
                        key, FashionMnist.loadPart(fashionMnist, "t10k").head(EVALUATION_IMAGES)));
        URI base = URI.create("http://127.0.0.1:" + control.port());
        operator = new OperatorApi(base, control.adminToken(), http);
        out.printf("control plane at %s (SQLite in %s)%n", base, directory.resolve("control"));
        FashionBundle.Trained first = FashionBundle.train(fashionMnist, work(), MODEL, 1, 1, 1, key, out);
        String token = operator.enrolmentToken(GROUP, NODES);
        Path template = first.modelDirectory().resolveSibling("trained-" + MODEL + "-1");
        for (int i = 1; i <= NODES; i++) {
            String id = "edge-" + i;
            Path home = directory.resolve(id);
            copyTree(template, home.resolve("models"));
            nodes.add(FoglineNode.start(NodeOptions.defaults(home.resolve("models"))
                    .withHost("127.0.0.1")
                    .withHttpPort(0)
                    .withLabels(LabelStore.Options.in(home))
                    .withOta(new OtaOptions(
                                    base,
                                    token,
                                    id,
                                    Map.of("site", i == 1 ? "lab" : "store-" + i),
                                    home.resolve("ota"),
                                    trust)
                            .withTrainingData(trainingData(i))
                            .withTelemetry(new TelemetryOptions(
                                    TELEMETRY_WINDOW,
                                    TelemetryOptions.defaults().outboxMaxBytes(),
                                    TelemetryOptions.defaults().batchMaxBytes(),
                                    TelemetryOptions.defaults().maxMergedWindows())))));
            out.printf(
                    "node %s on http://127.0.0.1:%d serves %s v1, enrols with a one-time token%n",
                    id, nodes.getLast().port(), MODEL);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (control.fleet().devices(new DeviceFilter(GROUP, null)).size() < NODES) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the nodes did not enrol within 30 s");
            }
            Thread.sleep(100);
        }
        out.printf("%d nodes enrolled in group '%s'%n", NODES, GROUP);
    }

    private Path work() {
        return directory.resolve("work");
    }

    /** Node {@code node}'s own labelled images, a slice of Fashion-MNIST's training set no other node holds. */
    private Path trainingData(int node) throws IOException {
        Path data = directory.resolve("edge-" + node).resolve("examples");
        int[] mine = java.util.stream.IntStream.range((node - 1) * LOCAL_EXAMPLES, node * LOCAL_EXAMPLES)
                .toArray();
        IdxWriter.write(FashionMnist.loadPart(fashionMnist, "train").subset(mine), data, "train");
        return data;
    }

    /**
     * A short federated job among the nodes: each trains version 2 on its own images for a few rounds, the control
     * plane aggregates, publishes version 3 and rolls it out; prints each round as it ends.
     */
    void learn() throws Exception {
        long started = System.nanoTime();
        Map<String, Object> job = new java.util.LinkedHashMap<>();
        job.put("id", "demo-fl");
        job.put("model", MODEL);
        job.put("version", 2);
        job.put("target", Map.of("group", GROUP));
        job.put("rounds", FEDERATED_ROUNDS);
        job.put("clients", Map.of("minimum", NODES));
        job.put("local", Map.of("epochs", 1, "batch_size", 32, "learning_rate", 0.02));
        job.put("encoding", "int8");
        job.put("aggregation", "median");
        job.put("round_seconds", 60);
        job.put(
                "rollout",
                Map.of(
                        "waves", Map.of("canary", "1", "factor", 2),
                        "gates", Map.of("device_timeout_seconds", 90, "quality", Map.of("golden_passed", true))));
        operator.startFederatedJob(job);
        out.printf(
                "federated job demo-fl: %d rounds on %s v2 among the %d nodes, each on its %d own images (int8"
                        + " updates, coordinate-wise median); evaluated on %,d test images%n",
                FEDERATED_ROUNDS, MODEL, NODES, LOCAL_EXAMPLES, EVALUATION_IMAGES);
        int shown = 0;
        JsonNode view;
        long deadline = started + ROLLOUT_LIMIT.multipliedBy(2).toNanos();
        do {
            Thread.sleep(200);
            view = operator.federatedJob("demo-fl");
            for (JsonNode round : view.path("history")) {
                if (round.path("round").asInt() > shown
                        && round.path("state").asText().equals("aggregated")) {
                    shown = round.path("round").asInt();
                    out.printf(
                            Locale.ROOT,
                            "  %5.1f s  round %d: %d of %d devices aggregated, local accuracy %.1f%%, evaluated %.1f%%%n",
                            (System.nanoTime() - started) / 1e9,
                            shown,
                            round.path("aggregated").asInt(),
                            round.path("chosen").asInt(),
                            100 * round.path("accuracy").asDouble(),
                            100 * round.path("eval_accuracy").asDouble());
                }
            }
        } while (Set.of("running", "publishing").contains(view.path("state").asText()) && System.nanoTime() < deadline);
        if (!view.path("state").asText().equals("completed")) {
            throw new IOException("federated job demo-fl is "
                    + view.path("state").asText() + ": " + view.path("reason").asText());
        }
        out.printf(
                "published %s v%d from the nodes' updates, signed by %s; rollout %d:%n",
                MODEL,
                view.path("result_version").asLong(),
                key.keyId(),
                view.path("rollout_id").asLong());
        JsonNode rollout = watch(view.path("rollout_id").asLong(), System.nanoTime());
        out.printf(
                "rollout %s: every node serves %s v%d%n",
                rollout.path("state").asText(),
                MODEL,
                view.path("result_version").asLong());
    }

    /**
     * The dashboard's address with the admin token in its fragment, which the page signs in with, showing the last
     * minutes, where the demo's traffic is.
     */
    String dashboardLink() {
        return "http://127.0.0.1:" + control.port() + "/dashboard/?minutes=5#token=" + control.adminToken();
    }

    String adminToken() {
        return control.adminToken();
    }

    /** Trains version 2, signs and publishes it, and rolls it out while clients keep every node busy. */
    void rollOut() throws Exception {
        FashionBundle.Trained second = FashionBundle.train(fashionMnist, work(), MODEL, 2, 3, 2, key, out);
        String digest = operator.publish(second.bundle());
        out.printf("published %s v2: bundle %s..., signed by %s%n", MODEL, digest.substring(0, 16), key.keyId());
        List<InferenceRequest> traffic = FashionBundle.testImages(fashionMnist, TRAFFIC_IMAGES);
        List<InferenceRequest> images = traffic.subList(0, CHECKED_IMAGES);
        int[] labels = FashionMnist.load(fashionMnist).test().labels();
        ConcurrentMap<String, LongAdder> answers = new ConcurrentHashMap<>();
        LongAdder failures = new LongAdder();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread clients = Thread.ofVirtual().start(() -> {
            for (long n = 0; sending.get(); n++) {
                FoglineNode node = nodes.get((int) (n % nodes.size()));
                try {
                    InferenceResponse answer = infer(node, traffic.get((int) (n % traffic.size())));
                    answers.computeIfAbsent(answer.modelVersion(), v -> new LongAdder())
                            .increment();
                } catch (IOException | RuntimeException e) {
                    failures.increment();
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long started = System.nanoTime();
        long id = operator.startRollout(Map.of(
                "model", MODEL,
                "version", 2,
                "target", Map.of("group", GROUP),
                "waves", Map.of("canary", "1", "factor", 2),
                "gates", Map.of("device_timeout_seconds", 90, "quality", Map.of("golden_passed", true))));
        out.printf("rollout %d: canary of 1 node, then waves twice as large, each gated on its golden tests%n", id);
        JsonNode view = watch(id, started);
        sending.set(false);
        clients.join();
        StringBuilder answered = new StringBuilder();
        answers.forEach((version, count) -> answered.append(String.format(" v%s %,d", version, count.sum())));
        out.printf(
                Locale.ROOT,
                "rollout %s in %.1f s; meanwhile clients got answers from%s; %d failed%n",
                view.path("state").asText(),
                (System.nanoTime() - started) / 1e9,
                answered,
                failures.sum());
        long sent = failures.sum()
                + answers.values().stream().mapToLong(LongAdder::sum).sum()
                + (long) nodes.size() * images.size();
        long labelled = 0;
        for (int n = 0; n < nodes.size(); n++) {
            FoglineNode node = nodes.get(n);
            int right = 0;
            String version = "";
            for (int i = 0; i < images.size(); i++) {
                InferenceRequest image = images.get(i);
                String requestId = "check-" + n + "-" + i;
                InferenceResponse answer = infer(
                        node, new InferenceRequest(requestId, image.parameters(), image.inputs(), image.outputs()));
                version = answer.modelVersion();
                right += argmax(answer.outputs().getFirst().toFloats()) == labels[i] ? 1 : 0;
                if (i % 2 == 0) {
                    feedback(node, requestId, labels[i]);
                    labelled++;
                }
            }
            out.printf(
                    Locale.ROOT,
                    "  node on port %d answers with %s v%s: %d of %d test images right; its clients sent ground truth"
                            + " for %d of them%n",
                    node.port(),
                    MODEL,
                    version,
                    right,
                    images.size(),
                    (images.size() + 1) / 2);
        }
        showMonitoring(sent, labelled);
    }

    /** A client telling the node the true class of an earlier answer (the node's feedback extension). */
    private void feedback(FoglineNode node, String id, int label) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + node.port() + "/v2/models/" + MODEL + "/feedback"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"id\": \"" + id + "\", \"label\": " + label + "}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    "ground truth for " + id + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /**
     * Waits until the nodes' telemetry holds the requests just sent (a window closes every few seconds and rides on the
     * next poll), judges it as the control plane's timer does each minute, and says what the dashboard shows.
     */
    private void showMonitoring(long sent, long labelled) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TELEMETRY_WINDOW.multipliedBy(6).toNanos();
        long charted;
        long labels;
        HealthViews.Health health;
        do {
            Thread.sleep(500);
            health = control.health().health(Duration.ofMinutes(5));
            charted = health.models().stream()
                    .mapToLong(model -> model.figures().requests())
                    .sum();
            labels = health.devices().stream()
                    .mapToLong(device -> device.figures().groundTruth())
                    .sum();
        } while ((charted < sent || labels < labelled) && System.nanoTime() < deadline);
        JsonNode conditions = operator.deviceHealth(5).path("devices");
        for (HealthViews.DeviceHealth device : health.devices()) {
            JsonNode condition = StreamSupport.stream(conditions.spliterator(), false)
                    .filter(c -> c.path("device_id").asText().equals(device.deviceId()))
                    .findFirst()
                    .orElse(null);
            out.printf(
                    Locale.ROOT,
                    "  %s: live accuracy %s on %d labels; %s%n",
                    device.deviceId(),
                    device.figures().accuracy() == null
                            ? "-"
                            : String.format(
                                    Locale.ROOT, "%.1f%%", device.figures().accuracy() * 100),
                    device.figures().groundTruth(),
                    condition == null ? "no device health yet" : healthLine(condition));
        }
        control.heartbeats().flush();
        control.monitor().evaluate();
        List<String> open = control.alerts().list("open").stream()
                .map(alert -> alert.kind() + " " + alert.subject() + " (" + alert.message() + ")")
                .toList();
        out.printf(
                Locale.ROOT,
                "telemetry: %,d of the %,d requests sent are on the dashboard's charts; alerts open: %s%n",
                charted,
                sent,
                open.isEmpty() ? "none" : String.join("; ", open));
    }

    private static String healthLine(JsonNode condition) {
        JsonNode health = condition.path("health");
        return String.format(
                Locale.ROOT,
                "CPU %.0f%% busy, %.0f%% of memory and %.0f%% of disk free, hottest %s",
                health.path("cpu_busy").asDouble() * 100,
                condition.path("memory_available_share").asDouble() * 100,
                condition.path("disk_free_share").asDouble() * 100,
                condition.path("hottest_celsius").isNumber()
                        ? String.format(
                                Locale.ROOT,
                                "%.1f °C",
                                condition.path("hottest_celsius").asDouble())
                        : "not reported (no thermal zone)");
    }

    /** Prints each change of the rollout's waves until it ends. */
    private JsonNode watch(long id, long started) throws Exception {
        String shown = "";
        long deadline = started + ROLLOUT_LIMIT.toNanos();
        while (true) {
            JsonNode view = operator.rollout(id);
            StringBuilder line = new StringBuilder(view.path("state").asText());
            for (JsonNode wave : view.path("waves")) {
                JsonNode tally = wave.path("tally");
                line.append(String.format(
                        Locale.ROOT,
                        " | wave %d (%d %s): %s, %d switched",
                        wave.path("wave").asInt() + 1,
                        wave.path("size").asInt(),
                        wave.path("size").asInt() == 1 ? "node" : "nodes",
                        wave.path("result").asText(),
                        tally.path("switched").asInt()));
            }
            if (!line.toString().equals(shown)) {
                shown = line.toString();
                out.printf(Locale.ROOT, "  %5.1f s  %s%n", (System.nanoTime() - started) / 1e9, shown);
            }
            if (ENDED.contains(view.path("state").asText()) || System.nanoTime() > deadline) {
                return view;
            }
            Thread.sleep(200);
        }
    }

    private InferenceResponse infer(FoglineNode node, InferenceRequest request)
            throws IOException, InterruptedException {
        InferenceCodec.Encoded encoded = InferenceCodec.encodeRequest(request, true);
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/v2/models/" + MODEL + "/infer"))
                        .header(InferenceCodec.HEADER_LENGTH, Integer.toString(encoded.headerLength()))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(encoded.body()))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException(MODEL + " answered " + response.statusCode() + ": " + new String(response.body()));
        }
        return InferenceCodec.decodeResponse(response.body(), response.body().length, -1);
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            best = values[i] > values[best] ? i : best;
        }
        return best;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    @Override
    public void close() {
        for (FoglineNode node : nodes) {
            node.close();
        }
        if (control != null) {
            control.close();
        }
        http.close();
    }
}

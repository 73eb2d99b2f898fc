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
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.learn.data.FashionMnist;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.ota.OtaOptions;
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

/**
 * The fleet half of the demo: a control plane on embedded SQLite, a signing key it trusts, three nodes serving a
 * Fashion-MNIST model and enrolled to it, and a better model signed, published and rolled out to them in waves (a
 * canary first) while clients keep sending them images.
 */
final class DemoFleet implements AutoCloseable {

    static final String MODEL = "fashion";
    private static final String GROUP = "demo";
    private static final int NODES = 3;
    private static final Duration ROLLOUT_LIMIT = Duration.ofSeconds(120);
    private static final String MARKER = ".fogline-demo";
    private static final Set<String> ENDED = Set.of("completed", "rolled_back", "aborted");

    private final Path directory;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<FoglineNode> nodes = new ArrayList<>();
    private ControlPlane control;
    private OperatorApi operator;
    private SigningKey key;

    private DemoFleet(Path directory, PrintStream out) {
        this.directory = directory;
        this.out = out;
    }

    /** Starts the control plane and the nodes, each serving version 1, and waits until every node has enrolled. */
    static DemoFleet start(Path directory, int controlPort, PrintStream out) throws Exception {
        DemoFleet fleet = new DemoFleet(directory, out);
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

    private void startAll(int controlPort) throws Exception {
        if (refusal(directory) != null) {
            throw new IOException(refusal(directory));
        }
        if (Files.exists(directory)) {
            BundleUnpacker.deleteTree(directory);
        }
        Files.createDirectories(directory);
        Files.createFile(directory.resolve(MARKER));
        key = SigningKey.generate();
        key.write(directory.resolve("signing-key.json"));
        Path trust = directory.resolve("trust-store.json");
        TrustStore.of(key.trusted()).save(trust);
        out.printf("signing key %s in %s; control plane and nodes trust it%n", key.keyId(), directory);
        control = ControlPlane.start(ControlOptions.defaults(directory.resolve("control"))
                .withHttp("127.0.0.1", controlPort)
                .withTrustStore(trust)
                .withPollInterval(Duration.ofSeconds(1)));
        URI base = URI.create("http://127.0.0.1:" + control.port());
        operator = new OperatorApi(base, control.adminToken(), http);
        out.printf("control plane at %s (SQLite in %s)%n", base, directory.resolve("control"));
        FashionBundle.Trained first = FashionBundle.train(work(), MODEL, 1, 1, 1, key, out);
        String token = operator.enrolmentToken(GROUP, NODES);
        Path template = first.modelDirectory().resolveSibling("trained-" + MODEL + "-1");
        for (int i = 1; i <= NODES; i++) {
            String id = "edge-" + i;
            Path home = directory.resolve(id);
            copyTree(template, home.resolve("models"));
            nodes.add(FoglineNode.start(NodeOptions.defaults(home.resolve("models"))
                    .withHost("127.0.0.1")
                    .withHttpPort(0)
                    .withOta(new OtaOptions(
                            base,
                            token,
                            id,
                            Map.of("site", i == 1 ? "lab" : "store-" + i),
                            home.resolve("ota"),
                            trust))));
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

    String dashboard() {
        return "http://127.0.0.1:" + control.port() + "/";
    }

    /** Trains version 2, signs and publishes it, and rolls it out while clients keep every node busy. */
    void rollOut() throws Exception {
        FashionBundle.Trained second = FashionBundle.train(work(), MODEL, 2, 3, 2, key, out);
        String digest = operator.publish(second.bundle());
        out.printf("published %s v2: bundle %s…, signed by %s%n", MODEL, digest.substring(0, 16), key.keyId());
        List<InferenceRequest> images = FashionBundle.testImages(200);
        int[] labels = FashionMnist.load(FashionMnist.DEFAULT_DIRECTORY).test().labels();
        ConcurrentMap<String, LongAdder> answers = new ConcurrentHashMap<>();
        LongAdder failures = new LongAdder();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread traffic = Thread.ofVirtual().start(() -> {
            for (long n = 0; sending.get(); n++) {
                FoglineNode node = nodes.get((int) (n % nodes.size()));
                try {
                    InferenceResponse answer = infer(node, images.get((int) (n % images.size())));
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
        traffic.join();
        StringBuilder answered = new StringBuilder();
        answers.forEach((version, count) -> answered.append(String.format(" v%s %,d", version, count.sum())));
        out.printf(
                Locale.ROOT,
                "rollout %s in %.1f s; meanwhile clients got answers from%s; %d failed%n",
                view.path("state").asText(),
                (System.nanoTime() - started) / 1e9,
                answered,
                failures.sum());
        for (FoglineNode node : nodes) {
            int right = 0;
            String version = "";
            for (int i = 0; i < images.size(); i++) {
                InferenceResponse answer = infer(node, images.get(i));
                version = answer.modelVersion();
                right += argmax(answer.outputs().getFirst().toFloats()) == labels[i] ? 1 : 0;
            }
            out.printf(
                    Locale.ROOT,
                    "  node on port %d answers with %s v%s: %d of %d test images right%n",
                    node.port(),
                    MODEL,
                    version,
                    right,
                    images.size());
        }
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

package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.bundle.content.Tolerance;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import io.fogline.control.TestStore;
import io.fogline.control.common.Json;
import io.fogline.control.fleet.DeviceFilter;
import io.fogline.control.fleet.DeviceView;
import io.fogline.control.rollout.RolloutSpec;
import io.fogline.control.rollout.RolloutView;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.tensor.Tensor;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.ota.BundlePacker;
import io.fogline.node.ota.OtaOptions;
import io.fogline.runtime.testing.TinyModels;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A control plane (on SQLite, then on PostgreSQL) and 20 real nodes in one test, over real HTTP: nodes enrol, poll, download, verify, load, run
 * their golden tests and report. A good bundle rolls through the canary and the waves to every node, one of them a
 * {@code fogline node} process killed as it starts downloading and started again; a bundle whose golden test fails on
 * devices stops at the canary and is rolled back, leaving every node on the previous version.
 */
@ParameterizedClass
@EnumSource(TestStore.class)
class FleetEndToEndTest {

    @Parameter
    TestStore store;

    private TestStore.Created database;

    private static final int NODES = 20;
    private static final String MODEL = "fashion";
    private static final int INPUTS = 16;

    @TempDir
    Path dir;

    private final SigningKey key = SigningKey.generate();
    private ControlPlane control;
    private final List<FoglineNode> nodes = new ArrayList<>();
    private Process killedNode;

    @AfterEach
    void stop() throws InterruptedException {
        if (killedNode != null) {
            killedNode.destroyForcibly().waitFor();
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
    void aGoodBundleReachesEveryNodeAndABadOneStopsAtTheCanaryAndRollsBack() throws Exception {
        Path trust = dir.resolve("trust-store.json");
        TrustStore.of(key.trusted()).save(trust);
        database = store.create();
        control = ControlPlane.start(ControlOptions.defaults(dir.resolve("control"))
                .withDatabase(database.url())
                .withHttp("127.0.0.1", 0)
                .withTrustStore(trust)
                .withPollInterval(Duration.ofSeconds(1))
                .withTime(Clock.systemUTC(), Duration.ofMillis(200)));
        String token = control.fleet()
                .issueToken("cameras", Map.of(), Duration.ofHours(1), NODES)
                .token();
        URI controlUrl = URI.create("http://127.0.0.1:" + control.port());
        // The last node, in the last wave, runs as its own process so that it can be killed as kill -9 would.
        killedNode = nodeProcess(controlUrl, token, trust, "downloading");
        for (int i = 0; i < NODES - 1; i++) {
            Path home = Files.createDirectories(dir.resolve(String.format("node-%02d", i)));
            Files.createDirectories(home.resolve("models"));
            nodes.add(FoglineNode.start(NodeOptions.defaults(home.resolve("models"))
                    .withHost("127.0.0.1")
                    .withHttpPort(0)
                    .withOta(new OtaOptions(
                            controlUrl,
                            token,
                            String.format("node-%02d", i),
                            Map.of("site", "berlin"),
                            home.resolve("ota"),
                            trust))));
        }
        await().atMost(Duration.ofMinutes(2))
                .until(() -> control.fleet()
                                .devices(new DeviceFilter("cameras", null))
                                .size()
                        == NODES);

        Path v1 = bundle(1, 1, null);
        control.publisher().publish(v1);
        long firstId = startRollout(1);
        assertThat(killedNode.waitFor(3, TimeUnit.MINUTES))
                .as("the node process halts as it starts downloading")
                .isTrue();
        assertThat(killedNode.exitValue()).isEqualTo(137);
        killedNode = nodeProcess(controlUrl, token, trust, null);
        RolloutView first = awaitEnd(firstId);
        assertThat(first.state()).isEqualTo("completed");
        assertThat(first.waves()).extracting(RolloutView.Wave::size).containsExactly(1, 3, 9, 7);
        assertThat(first.waves()).extracting(RolloutView.Wave::result).containsOnly("passed");
        assertThat(running()).as("every node serves v1").containsOnly(1L);

        Path v2 = bundle(2, 2, golden(v1));
        control.publisher().publish(v2);
        RolloutView second = awaitEnd(startRollout(2));
        assertThat(second.state()).isEqualTo("rolled_back");
        assertThat(second.stateReason()).startsWith("wave 0 failed its gates: ");
        assertThat(second.waves())
                .extracting(RolloutView.Wave::result)
                .containsExactly("failed", "planned", "planned", "planned");
        assertThat(second.waves().getFirst().tally().failed()).isEqualTo(1);
        await().atMost(Duration.ofMinutes(2))
                .until(() -> canaryIsBack(control.rollouts().view(second.id())));
        assertThat(running()).as("every node serves v1 still").containsOnly(1L);
        assertThat(control.fleet().devices(DeviceFilter.ALL)).allSatisfy(device -> assertThat(device.desired())
                .singleElement()
                .satisfies(desired -> assertThat(desired.version()).isEqualTo(1)));
    }

    /** True once the rolled-back canary has switched back. */
    private static boolean canaryIsBack(RolloutView view) {
        return view.rollback() != null
                && view.rollback().switched() == view.rollback().devices();
    }

    /**
     * {@code fogline node} in a process of its own, enrolled as the fleet's last node; with {@code haltAt} it halts
     * the moment it has stored that update step, with no shutdown hooks, as kill -9 would stop it.
     */
    private Process nodeProcess(URI controlUrl, String token, Path trust, String haltAt) throws Exception {
        String device = String.format("node-%02d", NODES - 1);
        Path home = Files.createDirectories(dir.resolve(device));
        // A node refuses a model repository that is not there, as Triton does.
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
                        "--grpc-port=0",
                        "--control=" + controlUrl,
                        "--enrolment-token=" + token,
                        "--device-id=" + device,
                        "--label=site=berlin",
                        "--data-dir=" + home.resolve("ota"),
                        "--trusted-keys=" + trust)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        home.resolve("node.log").toFile()));
        builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
        builder.environment().remove("FOGLINE_OTA_HALT_AT");
        if (haltAt != null) {
            builder.environment().put("FOGLINE_OTA_HALT_AT", haltAt);
        }
        return builder.start();
    }

    private long startRollout(int version) {
        RolloutSpec spec = RolloutSpec.parse(Json.MAPPER.valueToTree(Map.of(
                "model", MODEL,
                "version", version,
                "target", Map.of("group", "cameras"),
                "waves", Map.of("canary", "1", "factor", 3),
                "gates", Map.of("device_timeout_seconds", 120, "quality", Map.of("golden_passed", true)))));
        return control.rollouts().start(spec);
    }

    private RolloutView awaitEnd(long id) {
        return await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> control.rollouts().view(id), view -> !List.of("running")
                        .contains(view.state()));
    }

    /** The versions of the model the nodes report running, one per node. */
    private List<Long> running() {
        List<Long> versions = new ArrayList<>();
        for (DeviceView device : control.fleet().devices(DeviceFilter.ALL)) {
            device.running().forEach(model -> versions.add(model.version()));
        }
        assertThat(versions).hasSize(NODES);
        return versions;
    }

    /** A bundle of a small real model; with {@code golden} given, expected outputs the model will not give. */
    private Path bundle(int version, long seed, Path golden) throws Exception {
        Path model = Files.createDirectories(dir.resolve("bundle-" + version));
        TinyModels.mlp(model.resolve("model.onnx"), INPUTS, 256, 3, seed);
        Files.writeString(model.resolve("config.json"), "{\"max_batch_size\": 4}");
        Path out = dir.resolve(MODEL + "-" + version + ".fbundle");
        BundlePacker.Golden source = golden != null
                ? new BundlePacker.Golden.Given(golden)
                : new BundlePacker.Golden.Inputs(inputs(), Tolerance.DEFAULT);
        BundlePacker.pack(model, MODEL, version, source, Optional.of(key), out);
        return out;
    }

    private Path golden(Path bundle) throws Exception {
        Path file = dir.resolve("golden-of-" + bundle.getFileName() + ".json");
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            Files.write(file, zip.getInputStream(zip.getEntry("golden.json")).readAllBytes());
        }
        return file;
    }

    /** Four random inputs; the good bundle's golden outputs are what its model answers to them. */
    private static List<InferenceRequest> inputs() {
        Random random = new Random(42);
        return IntStream.range(0, 4)
                .mapToObj(i -> {
                    float[] values = new float[INPUTS];
                    for (int j = 0; j < values.length; j++) {
                        values[j] = random.nextFloat();
                    }
                    return InferenceRequest.of(Tensor.ofFloats("input", new long[] {1, INPUTS}, values));
                })
                .toList();
    }
}

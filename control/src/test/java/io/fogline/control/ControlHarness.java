package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.bundle.BundleException;
import io.fogline.bundle.BundleWriter;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.control.monitor.MonitorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A control plane on a test database with a fake clock and no timer (tests call {@link #tick()}), its operator's
 * client, and enrolment of simulated devices. {@link #restart()} replaces the control plane with a new one on the
 * same database and data directory.
 */
public final class ControlHarness implements AutoCloseable {

    public static final String ADMIN_TOKEN = "test-admin-token";
    public static final int MAX_BUNDLE_BYTES = 200_000;
    /** The control plane reads neither file: they travel to nodes, which run and compare them. */
    private static final String GOLDEN = "{\"tolerance\":{\"absolute\":0.001},\"cases\":[]}";

    private static final String REFERENCE_STATS = "{\"inputs\":{},\"outputs\":{}}";

    public final FakeClock clock = new FakeClock();
    private final Clock time;
    private final Duration tickPeriod;
    private final TestStore.Created database;
    private final Path dataDir;
    private final SigningKey signingKey = SigningKey.generate();
    private ControlPlane control;
    private int port;
    private MonitorOptions monitor = MonitorOptions.defaults();
    private String referenceStats = REFERENCE_STATS;
    private java.util.function.UnaryOperator<ControlOptions> tweak = options -> options;
    private io.fogline.control.federated.FederatedModels federatedModels;

    public ControlHarness(TestStore store, Path dataDir) {
        this(store, dataDir, Duration.ZERO);
    }

    /** A control plane whose own timer steps every {@code tick}, as in production. */
    public ControlHarness(TestStore store, Path dataDir, Duration tick) {
        this(store, dataDir, null, tick);
    }

    /**
     * A control plane on {@code time} (null for {@link #clock}) with its own timer every {@code tickPeriod} (zero for
     * none), for tests that watch it run on the wall clock, as a person would.
     */
    public ControlHarness(TestStore store, Path dataDir, Clock time, Duration tickPeriod) {
        this.time = time == null ? clock : time;
        this.tickPeriod = tickPeriod;
        this.database = store.create();
        this.dataDir = dataDir;
        try {
            TrustStore.of(signingKey.trusted()).save(dataDir.resolve("trust-store.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    private void start() {
        try {
            control = ControlPlane.start(
                    tweak.apply(ControlOptions.defaults(dataDir)
                            .withDatabase(database.url())
                            .withHttp("127.0.0.1", port)
                            .withAdminToken(ADMIN_TOKEN)
                            .withTrustStore(dataDir.resolve("trust-store.json"))
                            .withMaxBundleBytes(MAX_BUNDLE_BYTES)
                            .withTime(time, tickPeriod)
                            .withMonitor(monitor)),
                    federatedModels);
            port = control.port();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void restart() {
        control.close();
        start();
    }

    /** Restarts with other monitoring settings: thresholds, a webhook, an OTLP endpoint. */
    public void restart(MonitorOptions settings) {
        monitor = settings;
        restart();
    }

    /** Restarts with options changed by {@code change} (and keeps them across later restarts). */
    public void restartWith(java.util.function.UnaryOperator<ControlOptions> change) {
        tweak = change;
        restart();
    }

    /** Restarts running federated jobs with {@code models} (and keeps them across later restarts). */
    public void restartWith(io.fogline.control.federated.FederatedModels models) {
        federatedModels = models;
        restart();
    }

    public ControlPlane control() {
        return control;
    }

    public Http operator() {
        return new Http(control.port(), ADMIN_TOKEN);
    }

    public Http anonymous() {
        return new Http(control.port(), null);
    }

    public void tick() {
        control.tick();
    }

    /** Issues an enrolment token for {@code group}, shown once. */
    public String issueToken(String group) {
        Http.Answer answer = operator().post("/api/v1/enrolment-tokens", Map.of("group", group));
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json().path("token").asText();
    }

    /** Enrols a device in {@code group} with {@code labels}, over HTTP. */
    public SimulatedDevice enrol(String id, String group, Map<String, String> labels) {
        String token = issueToken(group);
        Http.Answer answer =
                anonymous().post("/api/v1/enrol", Map.of("token", token, "device_id", id, "labels", labels));
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        String credential = answer.json().path("credential").asText();
        return new SimulatedDevice(
                id, credential, new Http(control.port(), credential), TrustStore.of(signingKey.trusted()));
    }

    public JsonNode rollout(long id) {
        Http.Answer answer = operator().get("/api/v1/rollouts/" + id);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.json();
    }

    /** Packs a bundle of {@code model} at {@code version}, signed with the trusted key, into {@code dir}. */
    public Path pack(String model, int version, Path dir) throws IOException {
        return pack(model, version, dir, signingKey, "");
    }

    public Path pack(String model, int version, Path dir, String weightsVariant) throws IOException {
        return pack(model, version, dir, signingKey, weightsVariant);
    }

    public Path pack(String model, int version, Path dir, SigningKey key) throws IOException {
        return pack(model, version, dir, key, "");
    }

    private Path pack(String model, int version, Path dir, SigningKey key, String weightsVariant) throws IOException {
        return pack(model, version, dir, key, weightsVariant, referenceStats);
    }

    /** A bundle of random weights that only these tests read, signed with {@code key}. */
    public static Path pack(
            String model, int version, Path dir, SigningKey key, String weightsVariant, String referenceStats)
            throws IOException {
        byte[] weights = new byte[50_000];
        new Random((model + version + weightsVariant).hashCode()).nextBytes(weights);
        byte[] marker = "fogline test weights".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(marker, 0, weights, 100, marker.length);
        return pack(model, version, dir, key, weights, referenceStats);
    }

    /** A bundle whose {@code model.onnx} is {@code modelFile}, signed with the trusted key. */
    public Path pack(String model, int version, Path dir, byte[] modelFile) throws IOException {
        return pack(model, version, dir, signingKey, modelFile, referenceStats);
    }

    private static Path pack(
            String model, int version, Path dir, SigningKey key, byte[] modelFile, String referenceStats)
            throws IOException {
        Path files = Files.createDirectories(dir.resolve(model + "-" + version));
        Files.write(files.resolve("model.onnx"), modelFile);
        Files.writeString(files.resolve("config.json"), "{\"max_batch_size\":8}");
        Files.writeString(files.resolve("labels.txt"), "cat\ndog\n");
        Files.writeString(files.resolve("golden.json"), GOLDEN);
        Files.writeString(files.resolve("reference-stats.json"), referenceStats);
        Path out = dir.resolve(model + "-" + version + ".fbundle");
        try {
            BundleWriter.pack(files, model, version, Instant.parse("2026-11-23T14:00:00Z"), Optional.of(key), out);
        } catch (BundleException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Packs, signs and publishes a bundle of {@code model} at {@code version} over HTTP; returns its digest. */
    public String publish(String model, int version) {
        try {
            Path bundle = pack(model, version, Files.createTempDirectory(dataDir, "bundle"));
            Http.Answer answer = operator().postBytes("/api/v1/bundles", Files.readAllBytes(bundle));
            assertThat(answer.status()).as(answer.text()).isEqualTo(201);
            return answer.json().path("bundle").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes a bundle whose reference-stats.json is {@code stats}, for drift to be measured against. */
    public String publish(String model, int version, String stats) {
        referenceStats = stats;
        try {
            return publish(model, version);
        } finally {
            referenceStats = REFERENCE_STATS;
        }
    }

    /** The entries of a bundle file and their bytes. */
    public Map<String, byte[]> entries(Path bundle) throws IOException {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                entries.put(entry.getName(), zip.getInputStream(entry).readAllBytes());
            }
        }
        return entries;
    }

    public SigningKey signingKey() {
        return signingKey;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** A rollout of model {@code fashion} at {@code version} to the group {@code cameras}. */
    public static Map<String, Object> rolloutSpec(
            int version, Map<String, Object> waves, Map<String, Object> gates, String onFailure) {
        Map<String, Object> spec = new HashMap<>();
        spec.put("model", "fashion");
        spec.put("version", version);
        spec.put("target", Map.of("group", "cameras"));
        spec.put("waves", waves);
        spec.put("gates", gates);
        spec.put("on_failure", onFailure);
        return spec;
    }

    /** Starts a rollout; returns its id. */
    public long startRollout(Map<String, Object> spec) {
        Http.Answer answer = operator().post("/api/v1/rollouts", spec);
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json().path("id").asLong();
    }

    /** One figure of a wave's tally: switched, failed, timed_out, quality_failed or pending. */
    public int tally(long rollout, int wave, String figure) {
        return rollout(rollout)
                .path("waves")
                .get(wave)
                .path("tally")
                .path(figure)
                .asInt();
    }

    /** Reads the control plane's database directly, as a thief with a copy of it would. */
    public java.util.List<String> column(String sql) {
        String url = database.url() == null ? "jdbc:sqlite:" + dataDir.resolve("control.db") : database.url();
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(url);
                java.sql.ResultSet rows = connection.createStatement().executeQuery(sql)) {
            java.util.List<String> values = new java.util.ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes into the control plane's database directly, in one transaction: a fleet too big to enrol over HTTP. */
    public void execute(String sql, java.util.List<Object[]> rows) {
        String url = database.url() == null ? "jdbc:sqlite:" + dataDir.resolve("control.db") : database.url();
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(url)) {
            connection.setAutoCommit(false);
            try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        statement.setObject(i + 1, row[i]);
                    }
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            connection.commit();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            control.close();
        } finally {
            database.close();
        }
    }
}

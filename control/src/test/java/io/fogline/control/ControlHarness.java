package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A control plane on a test database with a fake clock and no timer (tests call {@link #tick()}), its operator's
 * client, and enrolment of simulated devices. {@link #restart()} replaces the control plane with a new one on the
 * same database and data directory.
 */
public final class ControlHarness implements AutoCloseable {

    public static final String ADMIN_TOKEN = "test-admin-token";

    public final FakeClock clock = new FakeClock();
    private final TestStore.Created database;
    private final Path dataDir;
    private ControlPlane control;
    private int port;

    public ControlHarness(TestStore store, Path dataDir) {
        this.database = store.create();
        this.dataDir = dataDir;
        start();
    }

    private void start() {
        try {
            control = ControlPlane.start(ControlOptions.defaults(dataDir)
                    .withDatabase(database.url())
                    .withHttp("127.0.0.1", port)
                    .withAdminToken(ADMIN_TOKEN)
                    .withTrustStore(dataDir.resolve("trust-store.json"))
                    .withTime(clock, Duration.ZERO));
            port = control.port();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void restart() {
        control.close();
        start();
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
        return new SimulatedDevice(id, credential, new Http(control.port(), credential));
    }

    public JsonNode rollout(long id) {
        Http.Answer answer = operator().get("/api/v1/rollouts/" + id);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.json();
    }

    /** Publishes a bundle of {@code model} at {@code version}; returns its digest. */
    public String publish(String model, int version) {
        String digest = io.fogline.control.fleet.Secrets.hash(model + "/" + version);
        execute("INSERT INTO bundles (digest, model, version, manifest, signature, key_id, size, published_at)"
                + " VALUES ('" + digest + "', '" + model + "', " + version + ", '{}', '{}', 'test', 0, 0)");
        return digest;
    }

    private void execute(String sql) {
        String url = database.url() == null ? "jdbc:sqlite:" + dataDir.resolve("control.db") : database.url();
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(url)) {
            connection.createStatement().execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a rollout; returns its id. */
    public long startRollout(Map<String, Object> spec) {
        Http.Answer answer = operator().post("/api/v1/rollouts", spec);
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json().path("id").asLong();
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

    @Override
    public void close() {
        try {
            control.close();
        } finally {
            database.close();
        }
    }
}

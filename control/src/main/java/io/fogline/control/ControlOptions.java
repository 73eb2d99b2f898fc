package io.fogline.control;

import io.fogline.control.http.ListenerLimits;
import io.fogline.control.monitor.MonitorOptions;
import io.fogline.control.monitor.TelemetryQuota;
import io.fogline.control.registry.S3BlobStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;

/**
 * How a control plane runs.
 *
 * @param database a {@code jdbc:postgresql:} URL, or null for SQLite in the data directory
 * @param adminToken the operator's token, or null to use (and on first start create) {@code admin-token} in the data
 *     directory
 * @param metricsToken the token {@code /metrics} asks for (or the admin token), or null to serve it to anyone
 * @param trustStore the trusted keys bundles must be signed with, or null for {@code trust-store.json} in the data
 *     directory
 * @param tick how often the timer flushes heartbeats and advances rollouts; zero for no timer (tests call
 *     {@link ControlPlane#tick()} themselves)
 * @param monitor alert thresholds, the webhook and metrics export
 * @param s3 the bucket bundle blobs go to, which replicas share; null for {@code blobs/} in the data directory
 * @param listener what clients may hold of the HTTP listener: connections, timeouts, anonymous requests in flight
 * @param telemetryQuota what one device's telemetry may take of the database and how long it is kept
 * @param tls the certificate and key it serves HTTPS with, or null for plain HTTP
 */
public record ControlOptions(
        Path dataDir,
        String database,
        String host,
        int httpPort,
        String adminToken,
        String metricsToken,
        Path trustStore,
        Duration pollInterval,
        long maxBundleBytes,
        Duration tick,
        Clock clock,
        MonitorOptions monitor,
        S3BlobStore.Settings s3,
        ListenerLimits listener,
        TelemetryQuota telemetryQuota,
        KeyManagerFactory tls) {

    public static final long DEFAULT_MAX_BUNDLE_BYTES = 2L * 1024 * 1024 * 1024;

    public static ControlOptions defaults(Path dataDir) {
        return new ControlOptions(
                dataDir,
                null,
                "0.0.0.0",
                8080,
                null,
                null,
                null,
                Duration.ofSeconds(30),
                DEFAULT_MAX_BUNDLE_BYTES,
                Duration.ofSeconds(1),
                Clock.systemUTC(),
                MonitorOptions.defaults(),
                null,
                ListenerLimits.defaults(),
                TelemetryQuota.defaults(),
                null);
    }

    public ControlOptions withDatabase(String url) {
        return copy(b -> b.database = url);
    }

    public ControlOptions withHttp(String host, int port) {
        return copy(b -> {
            b.host = host;
            b.httpPort = port;
        });
    }

    public ControlOptions withAdminToken(String token) {
        return copy(b -> b.adminToken = token);
    }

    public ControlOptions withMetricsToken(String token) {
        return copy(b -> b.metricsToken = token);
    }

    public ControlOptions withTrustStore(Path file) {
        return copy(b -> b.trustStore = file);
    }

    public ControlOptions withPollInterval(Duration interval) {
        return copy(b -> b.pollInterval = interval);
    }

    public ControlOptions withMaxBundleBytes(long bytes) {
        return copy(b -> b.maxBundleBytes = bytes);
    }

    public ControlOptions withS3(S3BlobStore.Settings bucket) {
        return copy(b -> b.s3 = bucket);
    }

    public ControlOptions withMonitor(MonitorOptions settings) {
        return copy(b -> b.monitor = settings);
    }

    /** A clock to read and a timer period; tests pass a clock they move and {@link Duration#ZERO}. */
    public ControlOptions withTime(Clock clock, Duration tick) {
        return copy(b -> {
            b.clock = clock;
            b.tick = tick;
        });
    }

    public ControlOptions withListener(ListenerLimits limits) {
        return copy(b -> b.listener = limits);
    }

    public ControlOptions withTelemetryQuota(TelemetryQuota quota) {
        return copy(b -> b.telemetryQuota = quota);
    }

    public ControlOptions withTls(KeyManagerFactory keys) {
        return copy(b -> b.tls = keys);
    }

    /** Withers name only what they change, so a new component is added here once rather than in every wither. */
    private ControlOptions copy(Consumer<Copy> change) {
        Copy b = new Copy();
        change.accept(b);
        return b.build();
    }

    /** Starts as these options; {@code build()} uses the canonical constructor, so what it checks still applies. */
    private final class Copy {
        Path dataDir = ControlOptions.this.dataDir;
        String database = ControlOptions.this.database;
        String host = ControlOptions.this.host;
        int httpPort = ControlOptions.this.httpPort;
        String adminToken = ControlOptions.this.adminToken;
        String metricsToken = ControlOptions.this.metricsToken;
        Path trustStore = ControlOptions.this.trustStore;
        Duration pollInterval = ControlOptions.this.pollInterval;
        long maxBundleBytes = ControlOptions.this.maxBundleBytes;
        Duration tick = ControlOptions.this.tick;
        Clock clock = ControlOptions.this.clock;
        MonitorOptions monitor = ControlOptions.this.monitor;
        S3BlobStore.Settings s3 = ControlOptions.this.s3;
        ListenerLimits listener = ControlOptions.this.listener;
        TelemetryQuota telemetryQuota = ControlOptions.this.telemetryQuota;
        KeyManagerFactory tls = ControlOptions.this.tls;

        ControlOptions build() {
            return new ControlOptions(
                    dataDir,
                    database,
                    host,
                    httpPort,
                    adminToken,
                    metricsToken,
                    trustStore,
                    pollInterval,
                    maxBundleBytes,
                    tick,
                    clock,
                    monitor,
                    s3,
                    listener,
                    telemetryQuota,
                    tls);
        }
    }
}

package io.fogline.control;

import io.fogline.control.http.ListenerLimits;
import io.fogline.control.monitor.MonitorOptions;
import io.fogline.control.monitor.TelemetryQuota;
import io.fogline.control.registry.S3BlobStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
        return new ControlOptions(
                dataDir,
                url,
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

    public ControlOptions withHttp(String host, int port) {
        return new ControlOptions(
                dataDir,
                database,
                host,
                port,
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

    public ControlOptions withAdminToken(String token) {
        return new ControlOptions(
                dataDir,
                database,
                host,
                httpPort,
                token,
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

    public ControlOptions withMetricsToken(String token) {
        return new ControlOptions(
                dataDir,
                database,
                host,
                httpPort,
                adminToken,
                token,
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

    public ControlOptions withTrustStore(Path file) {
        return new ControlOptions(
                dataDir,
                database,
                host,
                httpPort,
                adminToken,
                metricsToken,
                file,
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

    public ControlOptions withPollInterval(Duration interval) {
        return new ControlOptions(
                dataDir,
                database,
                host,
                httpPort,
                adminToken,
                metricsToken,
                trustStore,
                interval,
                maxBundleBytes,
                tick,
                clock,
                monitor,
                s3,
                listener,
                telemetryQuota,
                tls);
    }

    public ControlOptions withMaxBundleBytes(long bytes) {
        return new ControlOptions(
                dataDir,
                database,
                host,
                httpPort,
                adminToken,
                metricsToken,
                trustStore,
                pollInterval,
                bytes,
                tick,
                clock,
                monitor,
                s3,
                listener,
                telemetryQuota,
                tls);
    }

    public ControlOptions withS3(S3BlobStore.Settings bucket) {
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
                bucket,
                listener,
                telemetryQuota,
                tls);
    }

    public ControlOptions withMonitor(MonitorOptions settings) {
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
                settings,
                s3,
                listener,
                telemetryQuota,
                tls);
    }

    /** A clock to read and a timer period; tests pass a clock they move and {@link Duration#ZERO}. */
    public ControlOptions withTime(Clock clock, Duration tick) {
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

    public ControlOptions withListener(ListenerLimits limits) {
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
                limits,
                telemetryQuota,
                tls);
    }

    public ControlOptions withTelemetryQuota(TelemetryQuota quota) {
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
                quota,
                tls);
    }

    public ControlOptions withTls(KeyManagerFactory keys) {
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
                keys);
    }
}

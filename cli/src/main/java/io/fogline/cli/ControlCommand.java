package io.fogline.cli;

import io.fogline.bundle.SigningKey;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import io.fogline.control.federated.FederatedModels;
import io.fogline.control.http.ListenerLimits;
import io.fogline.control.monitor.Downsampling;
import io.fogline.control.monitor.FieldLimits;
import io.fogline.control.monitor.MonitorOptions;
import io.fogline.control.monitor.TelemetryQuota;
import io.fogline.control.registry.S3BlobStore;
import io.fogline.core.tls.Pem;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.KeyManagerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fogline control}: the control plane: model registry, fleet, rollouts, over a REST API. */
@Command(
        name = "control",
        mixinStandardHelpOptions = true,
        description = "Run the control plane: signed bundle registry, device fleet and staged rollouts.")
final class ControlCommand implements Callable<Integer> {

    @Option(names = "--http-port", defaultValue = "8080", description = "Port of the API (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(
            names = "--http-address",
            defaultValue = "0.0.0.0",
            description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String httpAddress;

    @Option(
            names = "--data-dir",
            defaultValue = "fogline-control",
            description = "Blobs, the SQLite database, the admin token and the trust store (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--database",
            description = "A jdbc:postgresql://host/db?user=... URL for a fleet; SQLite in --data-dir when absent.")
    String database;

    @Option(
            names = "--admin-token",
            defaultValue = "${env:FOGLINE_ADMIN_TOKEN}",
            description = "Operator token (default: $FOGLINE_ADMIN_TOKEN, else <data-dir>/admin-token, made on first"
                    + " start).")
    String adminToken;

    @Option(
            names = "--s3-bucket",
            description = "Keep bundle blobs in this S3 bucket, which replicas share, instead of <data-dir>/blobs;"
                    + " credentials from the AWS SDK's default chain ($AWS_ACCESS_KEY_ID and"
                    + " $AWS_SECRET_ACCESS_KEY, a profile, an instance role).")
    String s3Bucket;

    @Option(
            names = "--s3-endpoint",
            description =
                    "URL of an S3-compatible server (MinIO, Ceph, s3rver), addressed path-style; AWS when" + " absent.")
    URI s3Endpoint;

    @Option(names = "--s3-region", defaultValue = "us-east-1", description = "Region (default ${DEFAULT-VALUE}).")
    String s3Region;

    @Option(
            names = "--s3-prefix",
            defaultValue = "blobs/",
            description = "Prefix of the blobs' keys in the bucket (default ${DEFAULT-VALUE}).")
    String s3Prefix;

    @Option(
            names = "--metrics-token",
            defaultValue = "${env:FOGLINE_METRICS_TOKEN}",
            description = "Token /metrics asks for (default: $FOGLINE_METRICS_TOKEN; without one, /metrics is open).")
    String metricsToken;

    @Option(names = "--trust-store", description = "Trusted signing keys (JSON); default <data-dir>/trust-store.json.")
    Path trustStore;

    @Option(
            names = "--poll-interval",
            defaultValue = "30",
            description = "Seconds between device polls, told to devices (default ${DEFAULT-VALUE}).")
    long pollIntervalSeconds;

    @Option(
            names = "--max-bundle-bytes",
            defaultValue = "" + ControlOptions.DEFAULT_MAX_BUNDLE_BYTES,
            description = "Larger bundle uploads are refused with 413 (default ${DEFAULT-VALUE}).")
    long maxBundleBytes;

    @Option(names = "--webhook", description = "POST every alert as JSON to this URL; retried until it answers 2xx.")
    URI webhook;

    @Option(
            names = "--otlp-endpoint",
            description = "Push the control plane's metrics over OTLP/HTTP to this URL (e.g."
                    + " http://collector:4318/v1/metrics) every 30 s; off by default.")
    URI otlpEndpoint;

    @Option(
            names = "--latency-slo-ms",
            defaultValue = "250",
            description = "p95 latency over which a device's model version is alerted on (default ${DEFAULT-VALUE}).")
    double latencySloMs;

    @Option(
            names = "--psi-threshold",
            defaultValue = "0.2",
            description = "PSI of inputs, outputs or predicted classes over which drift is alerted on (default"
                    + " ${DEFAULT-VALUE}).")
    double psiThreshold;

    @Option(
            names = "--hot-celsius",
            defaultValue = "85",
            description = "A device whose hottest thermal zone reaches this runs hot (alert device_hot) (default"
                    + " ${DEFAULT-VALUE}).")
    double hotCelsius;

    @Option(
            names = "--min-free-disk",
            defaultValue = "0.05",
            description = "A device with less than this share of its data directory's disk free is out of disk (alert"
                    + " disk_low) (default ${DEFAULT-VALUE}).")
    double minFreeDisk;

    @Option(
            names = "--min-available-memory",
            defaultValue = "0.05",
            description = "A device with less than this share of its memory available is out of memory (alert"
                    + " memory_low) (default ${DEFAULT-VALUE}).")
    double minAvailableMemory;

    @Option(
            names = "--accuracy-margin",
            defaultValue = "0.05",
            description = "Live accuracy from ground truth this far below the bundle's reference accuracy is alerted on"
                    + " (accuracy_drop) (default ${DEFAULT-VALUE}).")
    double accuracyMargin;

    @Option(
            names = "--max-connections",
            defaultValue = "4096",
            description = "Open connections beyond this are closed as they are accepted (default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--max-connections-per-client",
            defaultValue = "256",
            description = "Open connections from one client address beyond this are closed as they are accepted"
                    + " (default ${DEFAULT-VALUE}).")
    int maxConnectionsPerClient;

    @Option(
            names = "--request-timeout",
            defaultValue = "120",
            description = "Seconds a request may take from its first byte to the end of its body; a client that stalls"
                    + " is disconnected (default ${DEFAULT-VALUE}; raise it for large bundles over slow links).")
    long requestTimeoutSeconds;

    @Option(
            names = "--telemetry-retention-days",
            defaultValue = "7",
            description = "Days telemetry windows and events are kept (default ${DEFAULT-VALUE}).")
    long telemetryRetentionDays;

    @Option(
            names = "--telemetry-downsample",
            defaultValue = "2h=5m,2d=1h",
            description = "Telemetry windows older than AGE are merged into one per BUCKET, per device and model"
                    + " version: AGE=BUCKET,... with s, m, h or d, or off (default ${DEFAULT-VALUE}: five-minute"
                    + " windows after two hours, hourly ones after two days).")
    String telemetryDownsample;

    @Option(
            names = "--signing-key",
            description = "Signing key (fogline bundle keygen) for the models federated jobs publish; without it the"
                    + " control plane runs no federated jobs.")
    Path signingKey;

    @Option(
            names = "--evaluation-data",
            description = "Held-out labelled examples (t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]) each"
                    + " federated round's model is evaluated on, and its published model's reference statistics"
                    + " describe.")
    Path evaluationData;

    @Option(names = "--http-server-cert", description = "PEM certificate chain to serve HTTPS with; HTTP without.")
    Path serverCertificate;

    @Option(names = "--http-server-key", description = "PEM (PKCS#8) private key of --http-server-cert.")
    Path serverKey;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        ListenerLimits listener;
        TelemetryQuota quota;
        FieldLimits field;
        try {
            field = FieldLimits.defaults().withLimits(accuracyMargin, hotCelsius, minFreeDisk, minAvailableMemory);
            listener = ListenerLimits.defaults()
                    .withMaxConnections(maxConnections, maxConnectionsPerClient)
                    .withRequestTimeout(Duration.ofSeconds(requestTimeoutSeconds));
            quota = TelemetryQuota.defaults()
                    .withRetention(Duration.ofDays(telemetryRetentionDays))
                    .withDownsampling(Downsampling.parse(telemetryDownsample));
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage());
        }
        if ((serverCertificate == null) != (serverKey == null)) {
            throw UserError.usage("--http-server-cert and --http-server-key go together");
        }
        KeyManagerFactory tls;
        try {
            tls = serverCertificate == null ? null : Pem.serverKeys(serverCertificate, serverKey);
        } catch (IOException e) {
            throw UserError.usage(e.getMessage());
        }
        ControlOptions options = ControlOptions.defaults(dataDir)
                .withDatabase(database)
                .withHttp(httpAddress, httpPort)
                .withAdminToken(adminToken == null || adminToken.isBlank() ? null : adminToken)
                .withMetricsToken(metricsToken == null || metricsToken.isBlank() ? null : metricsToken)
                .withTrustStore(trustStore)
                .withPollInterval(Duration.ofSeconds(pollIntervalSeconds))
                .withMaxBundleBytes(maxBundleBytes)
                .withListener(listener)
                .withTelemetryQuota(quota)
                .withTls(tls)
                .withS3(
                        s3Bucket == null
                                ? null
                                : new S3BlobStore.Settings(s3Bucket, s3Prefix, s3Endpoint, s3Region, null, null));
        MonitorOptions monitor = MonitorOptions.defaults();
        options = options.withMonitor(monitor.withWebhook(webhook)
                .withOtlpEndpoint(otlpEndpoint)
                .withThresholds(latencySloMs, monitor.errorRate(), monitor.escalationJump(), psiThreshold)
                .withFieldLimits(field));
        ControlPlane control = ControlPlane.start(options, federatedModels());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            control.close();
            stopped.countDown();
        }));
        System.out.printf(
                "fogline control ready on %s://%s:%d in %d ms (%s); admin token in %s%n",
                tls == null ? "http" : "https",
                httpAddress,
                control.port(),
                (System.nanoTime() - started) / 1_000_000,
                (database == null ? "SQLite in " + dataDir.resolve("control.db") : "PostgreSQL")
                        + (s3Bucket == null ? "" : ", blobs in S3 bucket " + s3Bucket),
                adminToken == null || adminToken.isBlank() ? dataDir.resolve("admin-token") : "--admin-token");
        System.out.printf(
                "dashboard: %s://%s:%d/dashboard/ (sign in with the admin token)%n",
                tls == null ? "http" : "https",
                httpAddress.equals("0.0.0.0") ? "localhost" : httpAddress,
                control.port());
        stopped.await();
        return 0;
    }

    private FederatedModels federatedModels() throws IOException {
        if (signingKey == null) {
            if (evaluationData != null) {
                throw UserError.usage("--evaluation-data needs --signing-key: federated jobs publish signed models");
            }
            return null;
        }
        if (!Files.isRegularFile(signingKey)) {
            throw UserError.usage("--signing-key " + signingKey + " is not a file");
        }
        Dataset evaluation = null;
        if (evaluationData != null) {
            try {
                evaluation = FashionMnist.loadPart(evaluationData, "t10k");
            } catch (IOException e) {
                throw UserError.usage("--evaluation-data " + evaluationData + ": " + e.getMessage());
            }
        }
        return new LearnFederatedModels(SigningKey.read(signingKey), evaluation);
    }
}

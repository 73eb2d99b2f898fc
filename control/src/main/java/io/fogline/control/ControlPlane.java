package io.fogline.control;

import io.fogline.control.device.Devices;
import io.fogline.control.federated.FederatedJobs;
import io.fogline.control.federated.FederatedModels;
import io.fogline.control.fleet.FeedbackReceiver;
import io.fogline.control.fleet.Fleet;
import io.fogline.control.fleet.Heartbeats;
import io.fogline.control.fleet.Secrets;
import io.fogline.control.http.ControlServer;
import io.fogline.control.http.Credentials;
import io.fogline.control.http.DeviceApi;
import io.fogline.control.http.OperatorApi;
import io.fogline.control.http.Routes;
import io.fogline.control.monitor.AlertEvaluator;
import io.fogline.control.monitor.AlertStore;
import io.fogline.control.monitor.ControlMetrics;
import io.fogline.control.monitor.DeviceConditions;
import io.fogline.control.monitor.HealthViews;
import io.fogline.control.monitor.Monitor;
import io.fogline.control.monitor.MonitorOptions;
import io.fogline.control.monitor.References;
import io.fogline.control.monitor.TelemetryStore;
import io.fogline.control.monitor.Webhook;
import io.fogline.control.registry.BlobStore;
import io.fogline.control.registry.Deltas;
import io.fogline.control.registry.FileBlobStore;
import io.fogline.control.registry.KeyLists;
import io.fogline.control.registry.Publisher;
import io.fogline.control.registry.Registry;
import io.fogline.control.registry.S3BlobStore;
import io.fogline.control.rollout.RolloutAdvancer;
import io.fogline.control.rollout.Rollouts;
import io.fogline.control.store.Database;
import io.fogline.control.store.Timers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running control plane, and the one place that knows all its parts: it opens the database, builds the domain's
 * services, hands them to the device and operator APIs, serves those over HTTP and runs the timer. The domain knows
 * neither this class nor HTTP.
 */
public final class ControlPlane implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ControlPlane.class.getName());
    private static final Duration TELEMETRY_RETENTION_PERIOD = Duration.ofHours(1);

    private final Database database;
    private final BlobStore blobs;
    private final Timers timers;
    private final Duration step;
    private final Heartbeats heartbeats;
    private final Fleet fleet;
    private final Rollouts rollouts;
    private final FederatedJobs federated;
    private final Publisher publisher;
    private final AlertStore alerts;
    private final HealthViews health;
    private final Monitor monitor;
    private final ControlMetrics metrics;
    private final TelemetryStore telemetry;
    private final ScheduledExecutorService timer;
    private final String adminToken;
    private final Routes routes;
    private ControlServer server;

    private ControlPlane(ControlOptions options, Database database, FederatedModels models) throws IOException {
        this.database = database;
        this.heartbeats = new Heartbeats(database, options.clock());
        this.fleet = new Fleet(database, options.clock(), options.pollInterval(), heartbeats);
        this.blobs = options.s3() == null
                ? new FileBlobStore(options.dataDir().resolve("blobs"))
                : new S3BlobStore(options.s3());
        Registry registry = new Registry(database);
        Path incoming = options.dataDir().resolve("incoming");
        Deltas deltas = new Deltas(database, blobs, incoming);
        KeyLists keyLists = new KeyLists(database, trustStoreFile(options), options.clock());
        this.publisher = new Publisher(database, blobs, deltas, incoming, keyLists, options.clock());
        this.rollouts = new Rollouts(database, options.clock());
        MonitorOptions watch = options.monitor();
        this.telemetry = new TelemetryStore(database, options.clock(), options.telemetryQuota());
        this.alerts = new AlertStore(database, options.clock());
        References references = new References(database, blobs);
        Duration silence = options.pollInterval().multipliedBy(watch.silentPolls());
        this.health = new HealthViews(database, telemetry, references, options.clock(), silence);
        this.metrics =
                new ControlMetrics(database, alerts, options.clock(), silence, watch.otlpEndpoint(), watch.otlpStep());
        this.timers = new Timers(database, options.clock(), metrics::timerRan);
        this.federated = new FederatedJobs(database, blobs, publisher, rollouts, models, metrics, options.clock());
        this.step = options.tick();
        this.monitor = new Monitor(
                new AlertEvaluator(database, telemetry, references, options.clock(), options.pollInterval(), watch),
                alerts,
                watch.webhook() == null ? null : new Webhook(watch.webhook()),
                timers,
                step,
                watch);
        this.adminToken = options.adminToken() != null ? options.adminToken() : adminTokenFile(options.dataDir());
        Devices devices = new Devices(
                fleet,
                heartbeats,
                new FeedbackReceiver(database, options.clock()),
                new RolloutAdvancer(rollouts),
                telemetry,
                federated,
                metrics,
                options.pollInterval());
        this.routes = Routes.join(
                DeviceApi.routes(devices, registry, deltas, keyLists, blobs),
                OperatorApi.routes(new OperatorApi.Services(
                        fleet,
                        registry,
                        publisher,
                        rollouts,
                        federated,
                        alerts,
                        health,
                        metrics,
                        options.maxBundleBytes(),
                        new DeviceConditions(
                                telemetry, options.clock(), options.monitor().field()))));
        this.timer = options.tick().isZero()
                ? null
                : Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                        .name("fogline-control-timer")
                        .daemon(true)
                        .factory());
    }

    /** Opens the database (migrating it), starts the timer and listens for HTTP; it runs no federated jobs. */
    public static ControlPlane start(ControlOptions options) throws IOException {
        return start(options, null);
    }

    /**
     * As {@link #start(ControlOptions)}, running federated jobs with {@code models} (null for none): the control plane
     * itself knows no ONNX, so whoever starts it brings what trains and packs models.
     */
    public static ControlPlane start(ControlOptions options, FederatedModels models) throws IOException {
        Files.createDirectories(options.dataDir());
        Database database = options.database() == null
                ? Database.sqlite(options.dataDir().resolve("control.db"))
                : Database.postgres(options.database(), 16);
        ControlPlane control;
        try {
            control = new ControlPlane(options, database, models);
            control.server = ControlServer.start(
                    options.host(),
                    options.httpPort(),
                    control.routes,
                    new Credentials(control.adminToken, options.metricsToken(), control.fleet),
                    options.listener(),
                    options.tls());
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
        Path trust = trustStoreFile(options);
        if (!Files.exists(trust)) {
            LOG.warning("no trust store at " + trust + ": every bundle is refused until it lists the signing keys");
        }
        if (control.timer != null) {
            long period = options.tick().toMillis();
            control.timer.scheduleWithFixedDelay(control::tickQuietly, period, period, TimeUnit.MILLISECONDS);
        }
        return control;
    }

    /**
     * One step of the timer: writes this replica's pending heartbeats, and, on whichever replica claims them, advances
     * every unfinished rollout (timeouts, scheduled waves), moves federated jobs on (rounds opened, closed,
     * aggregated, results published), evaluates alerts (silence among them) and delivers them, and once an hour
     * deletes telemetry past its retention and merges older windows into coarser ones.
     */
    public void tick() {
        heartbeats.flush();
        if (timers.claim("rollouts", step)) {
            rollouts.tick();
        }
        if (timers.claim("federated", step)) {
            federated.tick();
        }
        if (timers.claim("telemetry-retention", TELEMETRY_RETENTION_PERIOD)) {
            telemetry.deleteExpired();
            TelemetryStore.Downsampled downsampled = telemetry.downsample();
            if (downsampled.merged() > 0) {
                LOG.info("telemetry down-sampled: " + downsampled.merged() + " windows merged into "
                        + downsampled.into());
            }
        }
        monitor.tick();
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "control plane timer step failed; trying again next step", e);
        }
    }

    /** What it serves: the device and operator APIs' routes. */
    public Routes routes() {
        return routes;
    }

    public Heartbeats heartbeats() {
        return heartbeats;
    }

    public Publisher publisher() {
        return publisher;
    }

    public AlertStore alerts() {
        return alerts;
    }

    public HealthViews health() {
        return health;
    }

    public Monitor monitor() {
        return monitor;
    }

    public ControlMetrics metrics() {
        return metrics;
    }

    public int port() {
        return server.port();
    }

    public String adminToken() {
        return adminToken;
    }

    public Fleet fleet() {
        return fleet;
    }

    public Rollouts rollouts() {
        return rollouts;
    }

    public FederatedJobs federated() {
        return federated;
    }

    private static Path trustStoreFile(ControlOptions options) {
        return options.trustStore() != null
                ? options.trustStore()
                : options.dataDir().resolve("trust-store.json");
    }

    /** The admin token kept in the data directory, made on first start and readable by its owner only. */
    private static String adminTokenFile(Path dataDir) throws IOException {
        Path file = dataDir.resolve("admin-token");
        if (!Files.exists(file)) {
            Path written = Files.writeString(dataDir.resolve("admin-token.new"), Secrets.generate() + "\n");
            try {
                Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // a file system without POSIX permissions keeps its own access rules
            }
            Files.move(written, file);
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (server != null) {
            server.close();
        }
        metrics.close();
        try {
            heartbeats.flush();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "last heartbeats not written", e);
        } finally {
            blobs.close();
            database.close();
        }
    }
}

package io.fogline.bench.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.bundle.BundleException;
import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import io.fogline.fetch.DatasetCatalog;
import io.fogline.fetch.Datasets;
import io.fogline.fetch.DownloadListener;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a control plane (SQLite or PostgreSQL) and a simulated fleet against it in this process: enrols the devices,
 * measures polls per second and their latency over a window, then rolls a real signed bundle out to every device and
 * times it, printing progress each second.
 */
public final class FleetSimulation {

    static final String MODEL = "fashion-sim";
    private static final String GROUP = "sim";
    /** A roll-out may take this long, plus a second per 40 devices (100,000 switch at about 70 a second on 2 loaded cores), before the run stops waiting for it. */
    private static final Duration ROLLOUT_LIMIT = Duration.ofMinutes(15);

    private final SimOptions options;
    private final PrintStream out;
    private final FleetStats stats = new FleetStats();
    private long[] window = LatencyHistogram.empty();
    private long polledBefore;
    private long failedBefore;

    public FleetSimulation(SimOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public SimReport run() throws IOException, BundleException, InterruptedException {
        boolean external = !options.control().isEmpty();
        String store = external
                ? "a control plane elsewhere, " + options.control().size() + " replica(s)"
                : options.database() == null ? "SQLite" : "PostgreSQL";
        out.printf(
                "== fleet simulation: %,d devices polling every %d s (%.0f polls/s offered), control plane on %s;%s%n",
                options.devices(),
                options.pollInterval().toSeconds(),
                options.offeredPollsPerSecond(),
                store,
                external ? "" : " devices and control plane share this process and its cores");
        SigningKey key = options.signingKey() == null ? SigningKey.generate() : SigningKey.read(options.signingKey());
        FashionBundle.Trained trained = null;
        if (options.canary() != null) {
            java.nio.file.Path fashionMnist = Datasets.fromEnvironment()
                    .resolve(DatasetCatalog.FASHION_MNIST, null, DownloadListener.printing(out))
                    .directory();
            trained = FashionBundle.train(fashionMnist, options.work(), MODEL, 1, options.epochs(), 7, key, out);
        }
        if (external) {
            return simulate(store, options.control(), options.adminToken(), trained);
        }
        java.nio.file.Path data = options.work().resolve("control");
        java.nio.file.Files.createDirectories(data);
        TrustStore.of(key.trusted()).save(data.resolve("trust-store.json"));
        ControlOptions control = ControlOptions.defaults(data)
                .withDatabase(options.database())
                .withHttp("127.0.0.1", 0)
                .withPollInterval(options.pollInterval());
        try (ControlPlane plane = ControlPlane.start(control)) {
            return simulate(
                    store, List.of(URI.create("http://127.0.0.1:" + plane.port())), plane.adminToken(), trained);
        }
    }

    /** Enrols the fleet, measures its polls, then rolls the bundle out, against the replicas at {@code bases}. */
    private SimReport simulate(String store, List<URI> bases, String adminToken, FashionBundle.Trained trained)
            throws IOException, InterruptedException {
        List<KeepAliveClient> clients = new ArrayList<>();
        try (HttpClient http = HttpClient.newHttpClient()) {
            List<DeviceProtocol> replicas = new ArrayList<>();
            for (URI base : bases) {
                KeepAliveClient client = new KeepAliveClient(
                        base.getHost(), base.getPort(), Math.max(1, options.connections() / bases.size()));
                clients.add(client);
                replicas.add(new DeviceProtocol(client));
            }
            OperatorApi operator = new OperatorApi(bases.getFirst(), adminToken, http);
            String digest = trained == null ? null : operator.publish(trained.bundle());
            try (SimulatedFleet fleet = new SimulatedFleet(replicas, stats, options.telemetryEvery())) {
                fleet.enrol(
                        operator.enrolmentToken(GROUP, options.devices()),
                        "sim",
                        options.devices(),
                        Map.of("site", "sim"),
                        out);
                fleet.start(options.pollInterval());
                out.printf("-- warming up for %d s%n", options.warmUp().toSeconds());
                watch(options.warmUp(), null);
                out.printf("-- measuring for %d s%n", options.measure().toSeconds());
                long[] measured = LatencyHistogram.empty();
                long polls = stats.polls.sum();
                long notModified = stats.notModified.sum();
                long started = System.nanoTime();
                watch(options.measure(), measured);
                double seconds = (System.nanoTime() - started) / 1e9;
                double held = (stats.polls.sum() - polls) / seconds;
                double notModifiedShare =
                        (stats.notModified.sum() - notModified) / (double) Math.max(1, stats.polls.sum() - polls);
                Double rolloutSeconds = null;
                String rolloutState = null;
                long[] reports = stats.reportLatency.drain();
                if (digest != null) {
                    out.printf(
                            "-- rolling %s (bundle %s) out: canary %s, then waves growing %sx%n",
                            MODEL, digest.substring(0, 12), options.canary(), options.factor());
                    long rolloutStarted = System.nanoTime();
                    long id = operator.startRollout(Map.of(
                            "model", MODEL,
                            "version", 1,
                            "target", Map.of("group", GROUP),
                            "waves", Map.of("canary", options.canary(), "factor", options.factor()),
                            "gates",
                                    Map.of(
                                            "device_timeout_seconds",
                                            options.deviceTimeout().toSeconds())));
                    long deadline = rolloutStarted
                            + ROLLOUT_LIMIT.plusSeconds(options.devices() / 40).toNanos();
                    JsonNode view = operator.rollout(id);
                    while (fleet.running(MODEL, 1) < fleet.size() && System.nanoTime() < deadline) {
                        watch(Duration.ofSeconds(1), null);
                        view = operator.rollout(id);
                        out.printf(
                                "   rollout %s, wave %d: %,d of %,d devices switched%n",
                                view.path("state").asText(),
                                view.path("current_wave").asInt() + 1,
                                fleet.running(MODEL, 1),
                                fleet.size());
                    }
                    if (fleet.running(MODEL, 1) == fleet.size()) {
                        rolloutSeconds = (System.nanoTime() - rolloutStarted) / 1e9;
                    }
                    reports = stats.reportLatency.drain();
                    rolloutState = operator.rollout(id).path("state").asText();
                }
                SimReport report = new SimReport(
                        store,
                        options.devices(),
                        options.offeredPollsPerSecond(),
                        held,
                        LatencyHistogram.percentileMillis(measured, 0.50),
                        LatencyHistogram.percentileMillis(measured, 0.95),
                        LatencyHistogram.percentileMillis(measured, 0.99),
                        notModifiedShare,
                        stats.failures.sum(),
                        rolloutSeconds,
                        fleet.running(MODEL, 1),
                        rolloutState,
                        LatencyHistogram.percentileMillis(reports, 0.99),
                        stats.telemetryBatches.sum(),
                        LatencyHistogram.percentileMillis(stats.telemetryLatency.drain(), 0.99));
                print(report);
                return report;
            }
        } finally {
            for (KeepAliveClient client : clients) {
                client.close();
            }
        }
    }

    /** Watches the fleet for {@code duration}, a line a second; adds poll latencies to {@code measured} if given. */
    private void watch(Duration duration, long[] measured) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        long last = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            long now = System.nanoTime();
            long[] second = stats.pollLatency.drain();
            if (measured != null) {
                LatencyHistogram.add(measured, second);
            }
            long polls = stats.polls.sum();
            long failures = stats.failures.sum();
            out.printf(
                    Locale.ROOT,
                    "   %,7.0f polls/s  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  failures %d%n",
                    (polls - polledBefore) / ((now - last) / 1e9),
                    LatencyHistogram.percentileMillis(second, 0.50),
                    LatencyHistogram.percentileMillis(second, 0.95),
                    LatencyHistogram.percentileMillis(second, 0.99),
                    failures - failedBefore);
            polledBefore = polls;
            failedBefore = failures;
            last = now;
        }
    }

    private void print(SimReport report) {
        out.printf(
                Locale.ROOT,
                "== %s, %,d devices: %,.0f polls/s held of %,.0f offered; poll p50 %.2f ms, p95 %.2f ms, p99 %.2f ms;"
                        + " %.1f%% answered 304; %d failures%n",
                report.database(),
                report.devices(),
                report.pollsPerSecond(),
                report.offeredPollsPerSecond(),
                report.p50Millis(),
                report.p95Millis(),
                report.p99Millis(),
                report.notModifiedShare() * 100,
                report.failures());
        if (report.telemetryBatches() > 0) {
            out.printf(
                    Locale.ROOT,
                    "== %,d telemetry batches uploaded; upload p99 %.2f ms%n",
                    report.telemetryBatches(),
                    report.telemetryP99Millis());
        }
        if (report.rolloutState() != null) {
            out.printf(
                    Locale.ROOT,
                    "== rollout to %,d devices: %s; %,d switched; report p99 %.2f ms; rollout %s%n",
                    report.devices(),
                    report.rolloutSeconds() == null
                            ? "not finished"
                            : String.format(Locale.ROOT, "%.1f s", report.rolloutSeconds()),
                    report.switched(),
                    report.reportP99Millis(),
                    report.rolloutState());
        }
    }
}

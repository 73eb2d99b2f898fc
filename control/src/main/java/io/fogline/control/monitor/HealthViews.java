package io.fogline.control.monitor;

import io.fogline.control.store.Database;
import io.fogline.core.telemetry.ModelWindow;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Health per device, group and model version, and the per-window series behind the charts. */
public final class HealthViews {

    /**
     * Figures of a set of windows; rates are of requests, latencies in milliseconds (null without requests). Live
     * accuracy is of the ground truth clients gave (null without any), the reference accuracy the bundle's, on its
     * labelled reference inputs (null when it has none or the figures span several versions).
     */
    public record Figures(
            long requests,
            double errorRate,
            Double p50Ms,
            Double p95Ms,
            Double p99Ms,
            double escalationRate,
            double cacheRate,
            long queueDepthMax,
            long bytesUpstream,
            long bytesCloudOnly,
            Double driftPsi,
            String driftNotJudged,
            long[] classes,
            long groundTruth,
            Double accuracy,
            Double referenceAccuracy) {}

    /** @param status {@code silent} (no poll for the silence limit), {@code alerting} (a live alert), or {@code ok} */
    public record DeviceHealth(String deviceId, String group, String status, String lastSeen, Figures figures) {}

    public record GroupHealth(String group, int devices, int silent, int alerting, Figures figures) {}

    public record ModelHealth(String model, String version, int devices, Figures figures) {}

    public record Health(
            String generatedAt,
            long spanSeconds,
            List<DeviceHealth> devices,
            List<GroupHealth> groups,
            List<ModelHealth> models) {}

    public record Point(
            String deviceId, String model, String version, String start, String end, long seconds, Figures figures) {}

    private final Database database;
    private final TelemetryStore telemetry;
    private final References references;
    private final Clock clock;
    private final Duration silence;

    public HealthViews(
            Database database, TelemetryStore telemetry, References references, Clock clock, Duration silence) {
        this.database = database;
        this.telemetry = telemetry;
        this.references = references;
        this.clock = clock;
        this.silence = silence;
    }

    public Health health(Duration span) {
        Instant now = clock.instant();
        List<TelemetryStore.StoredWindow> windows = telemetry.windows(now.minus(span), now, null, null);
        Map<String, List<TelemetryStore.StoredWindow>> byDevice = new HashMap<>();
        windows.forEach(w ->
                byDevice.computeIfAbsent(w.deviceId(), id -> new ArrayList<>()).add(w));
        Map<String, Long> alerting = alertingDevices();
        List<DeviceHealth> devices = new ArrayList<>();
        Map<String, List<DeviceHealth>> byGroup = new LinkedHashMap<>();
        Map<String, List<TelemetryStore.StoredWindow>> groupWindows = new LinkedHashMap<>();
        database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT id, device_group, COALESCE(last_seen, enrolled_at), last_seen FROM devices ORDER"
                                    + " BY id");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String id = rows.getString(1);
                    String group = rows.getString(2) == null ? "" : rows.getString(2);
                    boolean silent = now.toEpochMilli() - rows.getLong(3) > silence.toMillis();
                    String status = silent ? "silent" : alerting.containsKey(id) ? "alerting" : "ok";
                    List<TelemetryStore.StoredWindow> own = byDevice.getOrDefault(id, List.of());
                    DeviceHealth device = new DeviceHealth(
                            id,
                            group,
                            status,
                            rows.getObject(4) == null
                                    ? null
                                    : Instant.ofEpochMilli(rows.getLong(4)).toString(),
                            figures(own));
                    devices.add(device);
                    byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(device);
                    groupWindows.computeIfAbsent(group, g -> new ArrayList<>()).addAll(own);
                }
            }
            return null;
        });
        List<GroupHealth> groups = new ArrayList<>();
        byGroup.forEach((group, members) -> groups.add(new GroupHealth(
                group,
                members.size(),
                (int) members.stream().filter(d -> d.status().equals("silent")).count(),
                (int) members.stream()
                        .filter(d -> d.status().equals("alerting"))
                        .count(),
                figures(groupWindows.get(group)))));
        Map<String, List<TelemetryStore.StoredWindow>> byModel = new LinkedHashMap<>();
        windows.forEach(w ->
                byModel.computeIfAbsent(Groups.model(w), k -> new ArrayList<>()).add(w));
        List<ModelHealth> models = new ArrayList<>();
        byModel.forEach((key, own) -> models.add(new ModelHealth(
                own.getFirst().figures().model(),
                own.getFirst().figures().version(),
                (int) own.stream()
                        .map(TelemetryStore.StoredWindow::deviceId)
                        .distinct()
                        .count(),
                figures(own))));
        return new Health(now.toString(), span.toSeconds(), devices, groups, models);
    }

    /** Windows as they came, oldest first, each with its own figures. */
    public List<Point> series(Duration span, String deviceId, String model) {
        Instant now = clock.instant();
        return telemetry.windows(now.minus(span), now, deviceId, model).stream()
                .map(w -> new Point(
                        w.deviceId(),
                        w.figures().model(),
                        w.figures().version(),
                        w.start().toString(),
                        w.end().toString(),
                        w.seconds(),
                        figures(List.of(w))))
                .toList();
    }

    private Figures figures(List<TelemetryStore.StoredWindow> windows) {
        if (windows.isEmpty()) {
            return new Figures(0, 0, null, null, null, 0, 0, 0, 0, 0, null, null, new long[0], 0, null, null);
        }
        Map<String, ModelWindow> perModel = Groups.sum(windows, Groups::model);
        ModelWindow all = null;
        Double psi = null;
        String notJudged = null;
        Double referenceAccuracy = null;
        for (ModelWindow model : perModel.values()) {
            all = all == null ? model : sumAcrossModels(all, model);
            Optional<References.Reference> reference = references.of(model.model(), model.version());
            if (reference.isEmpty()) {
                continue;
            }
            referenceAccuracy = reference.get().accuracy();
            String unjudgeable = Drift.unjudgeable(reference.get(), model);
            if (unjudgeable == null) {
                double drift = Drift.of(reference.get(), model).psi();
                psi = psi == null ? drift : Math.max(psi, drift);
            } else {
                notJudged = model.model() + " v" + model.version() + ": " + unjudgeable;
            }
        }
        long requests = all.requestTotal();
        return new Figures(
                requests,
                Groups.rate(all.errorTotal(), requests),
                quantile(all, 0.50),
                quantile(all, 0.95),
                quantile(all, 0.99),
                Groups.rate(all.escalationTotal(), requests),
                Groups.rate(all.cacheHits(), requests),
                all.queueDepthMax(),
                all.bytesUpstream(),
                all.bytesCloudOnly(),
                psi,
                psi == null ? notJudged : null,
                perModel.size() == 1 ? all.classes() : new long[0],
                all.groundTruth(),
                all.groundTruth() == 0 ? null : (double) all.correct() / all.groundTruth(),
                perModel.size() == 1 ? referenceAccuracy : null);
    }

    /** Counts of two model versions, of one model or two, summed as one, for a device's or a group's totals. */
    private static ModelWindow sumAcrossModels(ModelWindow a, ModelWindow b) {
        return a.withoutDetail().merge(b.withoutDetail().as(a.model(), a.version()));
    }

    private static Double quantile(ModelWindow window, double q) {
        double value = window.latencyMs().quantileMs(q);
        return Double.isNaN(value) ? null : value;
    }

    private Map<String, Long> alertingDevices() {
        return database.read(connection -> {
            Map<String, Long> devices = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT device_id, COUNT(*) FROM alerts WHERE"
                            + " state IN ('open', 'acknowledged') AND device_id IS NOT NULL GROUP BY device_id");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    devices.put(rows.getString(1), rows.getLong(2));
                }
            }
            return devices;
        });
    }
}

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
import java.util.TreeMap;

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

    private static final Figures NONE =
            new Figures(0, 0, null, null, null, 0, 0, 0, 0, 0, null, null, new long[0], 0, null, null);

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

    /**
     * The fleet's health over {@code span}. The windows stream past one device at a time: what is kept is each device's
     * figures and the sums per group and per model version, never the span's windows (at 100,000 devices, millions).
     */
    public Health health(Duration span) {
        Instant now = clock.instant();
        List<DeviceRow> rows = devices(now, alertingDevices());
        Map<String, String> groupOf = new HashMap<>();
        rows.forEach(row -> groupOf.put(row.id(), row.group()));
        Map<String, Figures> deviceFigures = new HashMap<>();
        Map<String, Map<String, ModelWindow>> groupSums = new HashMap<>();
        Map<String, ModelWindow> modelSums = new TreeMap<>();
        Map<String, Integer> modelDevices = new HashMap<>();
        Groups.Runs<TelemetryStore.StoredWindow> byDevice =
                new Groups.Runs<>(TelemetryStore.StoredWindow::deviceId, own -> {
                    String id = own.getFirst().deviceId();
                    Map<String, ModelWindow> perModel = Groups.sum(own, Groups::model);
                    perModel.forEach((key, sum) -> {
                        modelSums.merge(key, sum, ModelWindow::merge);
                        modelDevices.merge(key, 1, Integer::sum);
                    });
                    String group = groupOf.get(id);
                    if (group != null) {
                        deviceFigures.put(id, figures(perModel));
                        perModel.forEach((key, sum) -> groupSums
                                .computeIfAbsent(group, g -> new LinkedHashMap<>())
                                .merge(key, sum, ModelWindow::merge));
                    }
                });
        telemetry.eachWindowByDeviceModel(now.minus(span), now, byDevice);
        byDevice.finish();

        List<DeviceHealth> devices = new ArrayList<>();
        Map<String, List<DeviceHealth>> byGroup = new LinkedHashMap<>();
        for (DeviceRow row : rows) {
            DeviceHealth device = new DeviceHealth(
                    row.id(), row.group(), row.status(), row.lastSeen(), deviceFigures.getOrDefault(row.id(), NONE));
            devices.add(device);
            byGroup.computeIfAbsent(row.group(), g -> new ArrayList<>()).add(device);
        }
        List<GroupHealth> groups = new ArrayList<>();
        byGroup.forEach((group, members) -> groups.add(new GroupHealth(
                group,
                members.size(),
                (int) members.stream().filter(d -> d.status().equals("silent")).count(),
                (int) members.stream()
                        .filter(d -> d.status().equals("alerting"))
                        .count(),
                figures(groupSums.getOrDefault(group, Map.of())))));
        List<ModelHealth> models = new ArrayList<>();
        modelSums.forEach((key, sum) -> models.add(
                new ModelHealth(sum.model(), sum.version(), modelDevices.get(key), figures(Map.of(key, sum)))));
        return new Health(now.toString(), span.toSeconds(), devices, groups, models);
    }

    private record DeviceRow(String id, String group, String status, String lastSeen) {}

    /** Every enrolled device, by id, with its status now. */
    private List<DeviceRow> devices(Instant now, Map<String, Long> alerting) {
        return database.read(connection -> {
            List<DeviceRow> rows = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT id, device_group, COALESCE(last_seen, enrolled_at), last_seen FROM devices ORDER"
                                    + " BY id");
                    ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    String id = result.getString(1);
                    boolean silent = now.toEpochMilli() - result.getLong(3) > silence.toMillis();
                    rows.add(new DeviceRow(
                            id,
                            result.getString(2) == null ? "" : result.getString(2),
                            silent ? "silent" : alerting.containsKey(id) ? "alerting" : "ok",
                            result.getObject(4) == null
                                    ? null
                                    : Instant.ofEpochMilli(result.getLong(4)).toString()));
                }
            }
            return rows;
        });
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
                        figures(Groups.sum(List.of(w), Groups::model))))
                .toList();
    }

    /** Figures of windows summed per model version (keyed as {@link Groups#model}). */
    private Figures figures(Map<String, ModelWindow> perModel) {
        if (perModel.isEmpty()) {
            return NONE;
        }
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

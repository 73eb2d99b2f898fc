package io.fogline.control.monitor;

import io.fogline.control.store.Database;
import io.fogline.core.telemetry.ModelWindow;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the conditions that hold now: silent devices (absence, not only bad values), latency objective breaches,
 * error rates, escalation-rate jumps and drift per device and model version, fleet-wide drift per model version,
 * and failed golden tests from the devices' feedback.
 */
public final class AlertEvaluator {

    static final Set<String> AUTO_RESOLVED = Set.of(
            "silence",
            "latency_slo",
            "error_rate",
            "escalation_jump",
            "drift",
            "accuracy_drop",
            "device_hot",
            "disk_low",
            "memory_low");

    private final Database database;
    private final TelemetryStore telemetry;
    private final References references;
    private final Clock clock;
    private final Duration pollInterval;
    private final MonitorOptions options;
    private final FieldLimits limits;
    private final DeviceConditions conditions;

    public AlertEvaluator(
            Database database,
            TelemetryStore telemetry,
            References references,
            Clock clock,
            Duration pollInterval,
            MonitorOptions options) {
        this.limits = options.field();
        this.conditions = new DeviceConditions(telemetry, clock, limits);
        this.database = database;
        this.telemetry = telemetry;
        this.references = references;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.options = options;
    }

    public List<AlertStore.Firing> firing() {
        Instant now = clock.instant();
        List<AlertStore.Firing> firing = new ArrayList<>(silent(now));
        Instant recentStart = now.minus(options.recent());
        Instant baselineStart = recentStart.minus(options.baseline());
        Instant accuracyStart = now.minus(limits.accuracySpan());
        Map<String, ModelWindow> fleetRecent = new LinkedHashMap<>();
        Map<String, ModelWindow> fleetAccuracy = new LinkedHashMap<>();
        // One device's model version at a time: at 100,000 devices the spans hold millions of windows.
        Groups.Runs<TelemetryStore.StoredWindow> byDeviceModel = new Groups.Runs<>(Groups::deviceModel, run -> {
            ModelWindow recent = null;
            ModelWindow baseline = null;
            ModelWindow accuracy = null;
            for (TelemetryStore.StoredWindow window : run) {
                if (window.end().isAfter(recentStart)) {
                    recent = sum(recent, window.figures());
                } else if (window.end().isAfter(baselineStart)) {
                    baseline = sum(baseline, window.figures());
                }
                if (window.end().isAfter(accuracyStart)) {
                    accuracy = sum(accuracy, window.figures());
                }
            }
            TelemetryStore.StoredWindow first = run.get(0);
            String subject = "device:" + Groups.deviceModel(first);
            String model = Groups.model(first);
            if (recent != null) {
                firing.addAll(deviceFiring(subject, first.deviceId(), recent, baseline));
                fleetRecent.merge(model, recent, ModelWindow::merge);
            }
            if (accuracy != null) {
                accuracyDrop(subject, first.deviceId(), accuracy, "").ifPresent(firing::add);
                fleetAccuracy.merge(model, accuracy, ModelWindow::merge);
            }
        });
        telemetry.eachWindowByDeviceModel(
                baselineStart.isBefore(accuracyStart) ? baselineStart : accuracyStart, now, byDeviceModel);
        byDeviceModel.finish();
        fleetRecent.forEach((key, figures) -> {
            if (figures.requestTotal() >= options.minRequests()) {
                drift(figures)
                        .ifPresent(drift -> firing.add(fire(
                                "drift",
                                "fleet:" + key,
                                null,
                                figures,
                                format("%s drifted across the fleet: PSI %.3f", drift.tensor(), drift.psi()),
                                drift.psi(),
                                options.psi())));
            }
        });
        fleetAccuracy.forEach((key, figures) ->
                accuracyDrop("fleet:" + key, null, figures, " across the fleet").ifPresent(firing::add));
        conditions.eachSummed(options.recent(), (device, health) -> conditions
                .breaches(health)
                .forEach(breach -> firing.add(new AlertStore.Firing(
                        breach.kind(),
                        "device:" + device,
                        device,
                        null,
                        null,
                        device + ": " + breach.message(),
                        breach.value(),
                        breach.threshold()))));
        firing.addAll(goldenFailures());
        return firing;
    }

    private static ModelWindow sum(ModelWindow sum, ModelWindow figures) {
        return sum == null ? figures : sum.merge(figures);
    }

    /** What one device's model version breaks over the recent span, against its baseline span (null when none). */
    private List<AlertStore.Firing> deviceFiring(
            String subject, String device, ModelWindow figures, ModelWindow before) {
        List<AlertStore.Firing> firing = new ArrayList<>();
        long requests = figures.requestTotal();
        if (requests < options.minRequests()) {
            return firing;
        }
        double p95 = figures.latencyMs().quantileMs(0.95);
        if (p95 > options.p95Ms()) {
            firing.add(fire(
                    "latency_slo",
                    subject,
                    device,
                    figures,
                    format("p95 latency %.1f ms is over the %.1f ms objective", p95, options.p95Ms()),
                    p95,
                    options.p95Ms()));
        }
        double errors = Groups.rate(figures.errorTotal(), requests);
        if (errors > options.errorRate()) {
            firing.add(fire(
                    "error_rate",
                    subject,
                    device,
                    figures,
                    format("error rate %.3f is over %.3f", errors, options.errorRate()),
                    errors,
                    options.errorRate()));
        }
        double escalations = Groups.rate(figures.escalationTotal(), requests);
        if (before != null && before.requestTotal() >= options.minRequests()) {
            double was = Groups.rate(before.escalationTotal(), before.requestTotal());
            if (escalations - was > options.escalationJump()) {
                firing.add(fire(
                        "escalation_jump",
                        subject,
                        device,
                        figures,
                        format("escalation rate rose from %.3f to %.3f", was, escalations),
                        escalations - was,
                        options.escalationJump()));
            }
        }
        drift(figures)
                .ifPresent(drift -> firing.add(fire(
                        "drift",
                        subject,
                        device,
                        figures,
                        format("%s drifted: PSI %.3f", drift.tensor(), drift.psi()),
                        drift.psi(),
                        options.psi())));
        return firing;
    }

    /**
     * Live accuracy from ground truth below the bundle's reference accuracy by more than the margin, per device and
     * model version and over the fleet per version: a model that degrades at one site shows there first.
     */
    private Optional<AlertStore.Firing> accuracyDrop(String subject, String device, ModelWindow figures, String where) {
        return accuracyDrop(figures)
                .map(drop -> fire(
                        "accuracy_drop",
                        subject,
                        device,
                        figures,
                        drop.message() + where,
                        drop.live(),
                        drop.threshold()));
    }

    private record AccuracyDrop(String message, double live, double threshold) {}

    private Optional<AccuracyDrop> accuracyDrop(ModelWindow figures) {
        if (figures.groundTruth() < limits.minGroundTruth()) {
            return Optional.empty();
        }
        double live = (double) figures.correct() / figures.groundTruth();
        return references
                .of(figures.model(), figures.version())
                .map(References.Reference::accuracy)
                .filter(reference -> live < reference - limits.accuracyMargin())
                .map(reference -> new AccuracyDrop(
                        format(
                                "live accuracy %.3f (%d of %d labelled answers right) is below the reference %.3f by"
                                        + " more than %.3f",
                                live, figures.correct(), figures.groundTruth(), reference, limits.accuracyMargin()),
                        live,
                        reference - limits.accuracyMargin()));
    }

    /** The drift of a window's figures when there is enough to judge it and its PSI passes the threshold. */
    private Optional<Drift> drift(ModelWindow figures) {
        return references
                .of(figures.model(), figures.version())
                .filter(reference -> Drift.unjudgeable(reference, figures) == null)
                .map(reference -> Drift.of(reference, figures))
                .filter(drift -> drift.psi() > options.psi());
    }

    private static AlertStore.Firing fire(
            String kind,
            String subject,
            String device,
            ModelWindow figures,
            String message,
            double value,
            double threshold) {
        return new AlertStore.Firing(
                kind,
                subject,
                device,
                figures.model(),
                figures.version(),
                subject.substring(subject.indexOf(':') + 1) + ": " + message,
                value,
                threshold);
    }

    private static String format(String format, Object... arguments) {
        return String.format(Locale.ROOT, format, arguments);
    }

    private List<AlertStore.Firing> silent(Instant now) {
        long limit = pollInterval.toMillis() * options.silentPolls();
        return database.read(connection -> {
            List<AlertStore.Firing> silent = new ArrayList<>();
            try (PreparedStatement select =
                            connection.prepareStatement("SELECT id, COALESCE(last_seen, enrolled_at) FROM devices");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long quiet = now.toEpochMilli() - rows.getLong(2);
                    if (quiet > limit) {
                        String device = rows.getString(1);
                        silent.add(new AlertStore.Firing(
                                "silence",
                                "device:" + device,
                                device,
                                null,
                                null,
                                device + ": no poll for " + quiet / 1000 + " s (" + options.silentPolls()
                                        + " poll intervals are " + limit / 1000 + " s)",
                                quiet / 1000.0,
                                limit / 1000.0));
                    }
                }
            }
            return silent;
        });
    }

    private List<AlertStore.Firing> goldenFailures() {
        return database.read(connection -> {
            List<AlertStore.Firing> failed = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT id, device_id, model, version, reason"
                            + " FROM actions WHERE status = 'failed' AND (reason LIKE 'golden_failed%' OR quality LIKE"
                            + " '%\"golden_passed\":false%')");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String device = rows.getString(2);
                    String version = rows.getObject(4) == null ? null : String.valueOf(rows.getLong(4));
                    failed.add(new AlertStore.Firing(
                            "golden_failed",
                            "action:" + rows.getLong(1),
                            device,
                            rows.getString(3),
                            version,
                            device + ": " + rows.getString(3) + " version " + version + " failed its golden tests: "
                                    + rows.getString(5),
                            1,
                            0));
                }
            }
            return failed;
        });
    }
}

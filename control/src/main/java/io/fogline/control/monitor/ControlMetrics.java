package io.fogline.control.monitor;

import io.fogline.control.rollout.RolloutState;
import io.fogline.control.store.Database;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The control plane's metrics: Prometheus text on {@code /metrics}, and pushed over OTLP/HTTP when an endpoint is
 * set. Gauges read the database when they are read, so replicas on one PostgreSQL all report the same fleet.
 */
public final class ControlMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final OtlpMeterRegistry otlp;
    private final Counter polls;
    private final Counter feedbackApplied;
    private final Counter feedbackIgnored;
    private final Counter batchesApplied;
    private final Counter batchesDuplicate;

    /**
     * @param silence how long without a poll makes a device silent
     * @param otlpEndpoint an OTLP/HTTP metrics URL ({@code .../v1/metrics}), or null
     * @param otlpStep how often metrics are pushed there
     */
    public ControlMetrics(
            Database database,
            AlertStore alerts,
            java.time.Clock clock,
            Duration silence,
            URI otlpEndpoint,
            Duration otlpStep) {
        registry.add(prometheus);
        if (otlpEndpoint != null) {
            Map<String, String> settings = Map.of(
                    "otlp.url", otlpEndpoint.toString(),
                    "otlp.step", otlpStep.toString(),
                    "otlp.resourceAttributes", "service.name=fogline-control");
            otlp = new OtlpMeterRegistry(settings::get, Clock.SYSTEM);
            registry.add(otlp);
        } else {
            otlp = null;
        }
        for (String status : new String[] {"online", "silent"}) {
            boolean silent = status.equals("silent");
            gauge(
                    "fogline.control.devices",
                    "Enrolled devices by whether they poll",
                    "status",
                    status,
                    () -> count(
                            database,
                            "SELECT COUNT(*) FROM devices WHERE COALESCE(last_seen, enrolled_at) "
                                    + (silent ? "<" : ">=") + " ?",
                            clock.millis() - silence.toMillis()));
        }
        for (RolloutState state : RolloutState.values()) {
            String name = state.wire();
            gauge(
                    "fogline.control.rollouts",
                    "Rollouts by state",
                    "state",
                    name,
                    () -> count(database, "SELECT COUNT(*) FROM rollouts WHERE state = ?", name));
        }
        Gauge.builder("fogline.control.alerts.open", alerts::live)
                .description("Alerts open or acknowledged")
                .register(registry);
        polls = Counter.builder("fogline.control.polls")
                .description("Desired-state polls (heartbeats) answered")
                .register(registry);
        feedbackApplied = feedback("applied");
        feedbackIgnored = feedback("ignored");
        batchesApplied = batches("applied");
        batchesDuplicate = batches("duplicate");
    }

    private Counter feedback(String result) {
        return Counter.builder("fogline.control.feedback")
                .description("Device reports received, by whether they were applied or ignored as seen before")
                .tag("result", result)
                .register(registry);
    }

    private Counter batches(String result) {
        return Counter.builder("fogline.control.telemetry.batches")
                .description("Telemetry batches received, by whether they were applied or were duplicates")
                .tag("result", result)
                .register(registry);
    }

    private void gauge(String name, String description, String tag, String value, LongSupplier read) {
        Gauge.builder(name, () -> read.getAsLong())
                .description(description)
                .tag(tag, value)
                .register(registry);
    }

    private static long count(Database database, String sql, Object parameter) {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setObject(1, parameter);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }

    /** A timer step this replica claimed and ran. */
    public void timerRan(String timer) {
        Counter.builder("fogline.control.timer.runs")
                .description("Timer steps this replica ran (each step runs on one replica)")
                .tag("timer", timer)
                .register(registry)
                .increment();
    }

    /** An update a device uploaded for a federated round: {@code accepted}, or the refusal's code. */
    public void federatedUpdate(String result) {
        Counter.builder("fogline.control.federated.updates")
                .description("Federated updates received, by result: accepted or the reason of the refusal")
                .tag("result", result)
                .register(registry)
                .increment();
    }

    public void polled() {
        polls.increment();
    }

    public void feedback(boolean applied) {
        (applied ? feedbackApplied : feedbackIgnored).increment();
    }

    public void telemetryBatch(boolean applied) {
        (applied ? batchesApplied : batchesDuplicate).increment();
    }

    /** Model windows or events of a batch that the device's telemetry quota dropped. */
    public void telemetryDropped(String reason, int count) {
        Counter.builder("fogline.control.telemetry.dropped")
                .description("Telemetry windows and events dropped by the devices' quotas, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment(count);
    }

    public String scrape() {
        return prometheus.scrape();
    }

    @Override
    public void close() {
        if (otlp != null) {
            otlp.close();
        }
        registry.close();
    }
}

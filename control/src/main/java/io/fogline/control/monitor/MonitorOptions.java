package io.fogline.control.monitor;

import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What the control plane watches for and whom it tells.
 *
 * @param webhook where alerts are POSTed as JSON, or null for none
 * @param silentPolls a device that has not polled for this many poll intervals is silent
 * @param recent the span of windows that alerts and health judge
 * @param baseline the span before {@code recent} that an escalation rate jumps from
 * @param minRequests the fewest requests in {@code recent} for rates, latency and drift to be judged
 * @param p95Ms the latency objective: a p95 above it is a breach
 * @param errorRate the error rate above which an alert opens
 * @param escalationJump how far (absolute) the escalation rate may rise over its baseline
 * @param psi the population stability index above which inputs or outputs have drifted (0.2 is the usual "major
 *     shift")
 * @param evaluateEvery how often alerts are evaluated
 * @param otlpEndpoint an OTLP/HTTP metrics endpoint to push the control plane's metrics to, or null
 * @param otlpStep how often metrics are pushed there
 * @param field what the field's own figures are held to: live accuracy and devices' health
 */
public record MonitorOptions(
        URI webhook,
        int silentPolls,
        Duration recent,
        Duration baseline,
        long minRequests,
        double p95Ms,
        double errorRate,
        double escalationJump,
        double psi,
        Duration evaluateEvery,
        URI otlpEndpoint,
        Duration otlpStep,
        FieldLimits field) {

    public static MonitorOptions defaults() {
        return new MonitorOptions(
                null,
                3,
                Duration.ofMinutes(5),
                Duration.ofHours(1),
                20,
                250,
                0.05,
                0.2,
                0.2,
                Duration.ofSeconds(60),
                null,
                Duration.ofSeconds(30),
                FieldLimits.defaults());
    }

    public MonitorOptions withWebhook(URI url) {
        return copy(b -> b.webhook = url);
    }

    public MonitorOptions withOtlpStep(Duration step) {
        return copy(b -> b.otlpStep = step);
    }

    public MonitorOptions withOtlpEndpoint(URI url) {
        return copy(b -> b.otlpEndpoint = url);
    }

    public MonitorOptions withThresholds(
            double newP95Ms, double newErrorRate, double newEscalationJump, double newPsi) {
        return copy(b -> {
            b.p95Ms = newP95Ms;
            b.errorRate = newErrorRate;
            b.escalationJump = newEscalationJump;
            b.psi = newPsi;
        });
    }

    /** Holds live accuracy and devices' health to {@code limits}. */
    public MonitorOptions withFieldLimits(FieldLimits limits) {
        return copy(b -> b.field = limits);
    }

    /** Withers name only what they change, so a new component is added here once rather than in every wither. */
    private MonitorOptions copy(Consumer<Copy> change) {
        Copy b = new Copy();
        change.accept(b);
        return b.build();
    }

    /** Starts as these options; {@code build()} uses the canonical constructor, so what it checks still applies. */
    private final class Copy {
        URI webhook = MonitorOptions.this.webhook;
        int silentPolls = MonitorOptions.this.silentPolls;
        Duration recent = MonitorOptions.this.recent;
        Duration baseline = MonitorOptions.this.baseline;
        long minRequests = MonitorOptions.this.minRequests;
        double p95Ms = MonitorOptions.this.p95Ms;
        double errorRate = MonitorOptions.this.errorRate;
        double escalationJump = MonitorOptions.this.escalationJump;
        double psi = MonitorOptions.this.psi;
        Duration evaluateEvery = MonitorOptions.this.evaluateEvery;
        URI otlpEndpoint = MonitorOptions.this.otlpEndpoint;
        Duration otlpStep = MonitorOptions.this.otlpStep;
        FieldLimits field = MonitorOptions.this.field;

        MonitorOptions build() {
            return new MonitorOptions(
                    webhook,
                    silentPolls,
                    recent,
                    baseline,
                    minRequests,
                    p95Ms,
                    errorRate,
                    escalationJump,
                    psi,
                    evaluateEvery,
                    otlpEndpoint,
                    otlpStep,
                    field);
        }
    }
}

package io.fogline.control.monitor;

import java.time.Clock;
import java.time.Instant;

/** Evaluates alerts on the control plane's timer, every {@link MonitorOptions#evaluateEvery()}, and tells the webhook. */
public final class Monitor {

    private final AlertEvaluator evaluator;
    private final AlertStore alerts;
    private final Webhook webhook;
    private final Clock clock;
    private final MonitorOptions options;
    private Instant lastEvaluation;

    public Monitor(AlertEvaluator evaluator, AlertStore alerts, Webhook webhook, Clock clock, MonitorOptions options) {
        this.evaluator = evaluator;
        this.alerts = alerts;
        this.webhook = webhook;
        this.clock = clock;
        this.options = options;
    }

    /** One timer step: evaluates when the time has come, and retries deliveries each step. */
    public synchronized void tick() {
        Instant now = clock.instant();
        if (lastEvaluation == null || !now.isBefore(lastEvaluation.plus(options.evaluateEvery()))) {
            evaluate();
        } else if (webhook != null) {
            webhook.deliver(alerts);
        }
    }

    /** Opens and resolves alerts for the conditions that hold now. */
    public synchronized void evaluate() {
        lastEvaluation = clock.instant();
        alerts.apply(evaluator.firing(), AlertEvaluator.AUTO_RESOLVED);
        if (webhook != null) {
            webhook.deliver(alerts);
        }
    }
}

package io.fogline.control.monitor;

import io.fogline.control.store.Timers;
import java.time.Duration;

/**
 * Evaluates alerts on the control plane's timer, every {@link MonitorOptions#evaluateEvery()}, and tells the webhook;
 * across replicas, each evaluation and each round of deliveries runs on one of them.
 */
public final class Monitor {

    private final AlertEvaluator evaluator;
    private final AlertStore alerts;
    private final Webhook webhook;
    private final Timers timers;
    private final Duration step;
    private final MonitorOptions options;

    /** @param step the timer's period: deliveries that failed are tried again a step later */
    public Monitor(
            AlertEvaluator evaluator,
            AlertStore alerts,
            Webhook webhook,
            Timers timers,
            Duration step,
            MonitorOptions options) {
        this.evaluator = evaluator;
        this.alerts = alerts;
        this.webhook = webhook;
        this.timers = timers;
        this.step = step;
        this.options = options;
    }

    /** One timer step: evaluates when the time has come, and delivers (or retries) what the webhook has not had. */
    public synchronized void tick() {
        if (timers.claim("alerts", options.evaluateEvery())) {
            evaluate();
        }
        if (webhook != null && timers.claim("webhook", step)) {
            webhook.deliver(alerts);
        }
    }

    /** Opens and resolves alerts for the conditions that hold now. */
    public synchronized void evaluate() {
        alerts.apply(evaluator.firing(), AlertEvaluator.AUTO_RESOLVED);
    }
}

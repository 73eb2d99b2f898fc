package io.fogline.control.monitor;

/**
 * An alert as the API lists it.
 *
 * @param kind {@code silence}, {@code latency_slo}, {@code error_rate}, {@code escalation_jump}, {@code drift} or
 *     {@code golden_failed}
 * @param subject what it is about: {@code device:<id>}, {@code device:<id>:<model>:<version>} or
 *     {@code fleet:<model>:<version>}
 * @param value the figure that crossed the threshold
 * @param state {@code open}, {@code acknowledged} or {@code resolved}
 */
public record Alert(
        long id,
        String kind,
        String subject,
        String deviceId,
        String model,
        String version,
        String message,
        Double value,
        Double threshold,
        String state,
        String openedAt,
        String updatedAt,
        String resolvedAt) {}

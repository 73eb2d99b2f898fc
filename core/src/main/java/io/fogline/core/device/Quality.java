package io.fogline.core.device;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a device measured of a version before switching to it, which rollout quality gates read; any may be absent.
 *
 * @param goldenPassed whether every golden case passed
 * @param p95Ms the 95th percentile of the golden cases' inference times
 * @param errorRate the share of golden cases that failed to run
 * @param escalationRate the share of golden cases the node's routing rules would send to a parent tier (0 for a model
 *     without rules: the node never escalates it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Quality(Boolean goldenPassed, Double p95Ms, Double errorRate, Double escalationRate) {

    public Quality {
        rate(errorRate, "quality.error_rate");
        rate(escalationRate, "quality.escalation_rate");
        if (p95Ms != null && !(p95Ms >= 0)) {
            throw new IllegalArgumentException("'quality.p95_ms' must not be negative, got " + p95Ms);
        }
    }

    private static void rate(Double value, String field) {
        if (value != null && !(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("'" + field + "' must be from 0 to 1, got " + value);
        }
    }
}

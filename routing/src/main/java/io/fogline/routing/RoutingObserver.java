package io.fogline.routing;

import io.fogline.routing.upstream.CircuitBreaker;

/**
 * Told of each routed answer, each change of a parent's circuit breaker, and the escalation threshold each load of a
 * model routes by: what metrics count and show.
 */
public interface RoutingObserver {

    RoutingObserver NONE = new RoutingObserver() {
        @Override
        public void answered(String model, String tier, String escalation, String cache, boolean degraded) {}

        @Override
        public void breakerChanged(String parent, CircuitBreaker.State state) {}
    };

    /**
     * @param tier who answered, as {@link RoutingParameters#TIER} says
     * @param escalation the rule that wanted a parent, or {@code none}
     * @param cache {@link RoutingParameters#CACHE_EXACT} or {@link RoutingParameters#CACHE_MISS}
     * @param degraded whether a parent was wanted and none answered
     */
    void answered(String model, String tier, String escalation, String cache, boolean degraded);

    void breakerChanged(String parent, CircuitBreaker.State state);

    /**
     * The {@code max_probability_below} a model's router judges answers by from now on: the bundle's, or the one the
     * node calibrated for the version (DESIGN.md flow 5). Told once per load, before its first answer.
     */
    default void thresholdApplied(String model, double maxProbabilityBelow) {}
}

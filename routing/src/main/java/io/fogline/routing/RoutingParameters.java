package io.fogline.routing;

/** The response parameters that say who answered a request and why. */
public final class RoutingParameters {

    /** {@value #LOCAL}, or the name of the parent that answered ({@code fog}, or {@code fog/cloud} through two). */
    public static final String TIER = "fogline_tier";
    /** The confidence the answer was judged by, in [0, 1] for probabilities. */
    public static final String CONFIDENCE = "fogline_confidence";
    /** The rule that escalated the request, as the config names it, or {@code none}. */
    public static final String ESCALATION = "fogline_escalation";
    /** {@value #CACHE_EXACT} for an answer from the exact cache, {@value #CACHE_MISS} otherwise. */
    public static final String CACHE = "fogline_cache";
    /** True when a parent was wanted but none answered, so the local model did. */
    public static final String DEGRADED = "fogline_degraded";
    /** Why no parent answered, one clause per parent tried; present with {@link #DEGRADED}. */
    public static final String PARENT_ERROR = "fogline_parent_error";

    public static final String LOCAL = "local";
    public static final String CACHE_EXACT = "exact";
    public static final String CACHE_MISS = "miss";

    private RoutingParameters() {}
}

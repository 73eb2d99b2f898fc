package io.fogline.routing;

import io.fogline.routing.cache.ExactCache;
import io.fogline.routing.policy.RoutingPolicy;
import io.fogline.routing.score.ConfidenceScorer;
import io.fogline.routing.upstream.Retrier;
import io.fogline.runtime.config.ModelConfig;
import java.util.List;

/**
 * What the router keeps for a model with a routing section, built once per load: a reload brings a new config
 * instance, and with it a new policy and an empty cache.
 *
 * @param cache null when the policy caches nothing
 */
record RoutedModel(
        ModelConfig config,
        RoutingPolicy policy,
        ConfidenceScorer scorer,
        ExactCache cache,
        List<ParentTier> parents,
        Retrier retrier) {}

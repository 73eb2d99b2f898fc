package io.fogline.routing;

import io.fogline.routing.upstream.CircuitBreaker;
import io.fogline.routing.upstream.OipClient;

/** A parent as a routed model calls it: its name, its client and its circuit breaker, shared by every model. */
record ParentTier(String name, OipClient client, CircuitBreaker breaker) {}

package io.fogline.routing.policy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fogline.core.error.InferenceException;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code "routing"} section of a model's config: which output to judge, when to escalate, to which parents, within
 * what budget, and what to cache. Every field is optional; a section without parents and rules only caches.
 *
 * @param output the output tensor holding class scores; null for the model's first output
 * @param activation {@code "softmax"} when {@code output} holds logits, {@code "none"} (the default) when it already
 *     holds probabilities: a graph knows what its last operator is, the router cannot guess it from numbers alone
 * @param escalateWhen the rules; any one that holds escalates
 * @param parents the tiers above, asked in order
 * @param timeoutMs the default budget of a request, which {@code parameters.timeout_ms} replaces
 */
public record RoutingPolicy(
        String output,
        String activation,
        EscalationRules escalateWhen,
        List<Parent> parents,
        Long timeoutMs,
        Retries retries,
        Breaker circuitBreaker,
        Cache cache,
        Redaction redaction) {

    public static final long DEFAULT_TIMEOUT_MS = 1000;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /**
     * @param maxProbabilityBelow escalate when the top class probability is below this
     * @param classMaxProbabilityBelow the same threshold per predicted class (by index), replacing the one above for
     *     that class
     * @param entropyAbove escalate when the entropy of the class distribution, divided by ln(classes) so that 0 is
     *     certain and 1 is uniform, is above this
     * @param marginBelow escalate when the top probability minus the second is below this
     * @param scoreOutput an output of the model that scores its own answer (higher is surer), such as a confidence
     *     head
     * @param scoreBelow escalate when {@code scoreOutput} is below this
     */
    public record EscalationRules(
            Double maxProbabilityBelow,
            Map<Integer, Double> classMaxProbabilityBelow,
            Double entropyAbove,
            Double marginBelow,
            String scoreOutput,
            Double scoreBelow) {

        public EscalationRules {
            classMaxProbabilityBelow =
                    classMaxProbabilityBelow == null ? Map.of() : Map.copyOf(classMaxProbabilityBelow);
        }

        static final EscalationRules NONE = new EscalationRules(null, null, null, null, null, null);

        /** Whether a rule reads the class distribution, rather than only the score output. */
        public boolean readsProbabilities() {
            return maxProbabilityBelow != null
                    || !classMaxProbabilityBelow.isEmpty()
                    || entropyAbove != null
                    || marginBelow != null;
        }

        public boolean isEmpty() {
            return !readsProbabilities() && scoreBelow == null;
        }
    }

    /**
     * A tier above: another Fogline node, or any Open Inference Protocol server (Triton, KServe).
     *
     * @param name how responses and metrics name the tier; defaults to the URL's host
     * @param url the server's base URL, e.g. {@code http://fog.local:8000}
     * @param model the model to ask there
     * @param version the version to ask there; null for the server's choice
     * @param binary whether to send and ask for binary tensors (Triton's extension); true unless set false
     */
    public record Parent(String name, String url, String model, String version, Boolean binary) {

        public boolean binaryOrDefault() {
            return binary == null || binary;
        }
    }

    /** Retries of a failed parent call, inside the request's budget; the delay doubles and is jittered. */
    public record Retries(int maxRetries, long initialBackoffMs, long maxBackoffMs) {
        static final Retries DEFAULT = new Retries(1, 10, 100);
    }

    /**
     * One breaker per parent: {@code failureThreshold} failures in a row open it, it stays open {@code openMs}, then
     * lets {@code halfOpenProbes} calls through; a probe's success closes it, a failure opens it again.
     */
    public record Breaker(int failureThreshold, long openMs, int halfOpenProbes) {
        public static final Breaker DEFAULT = new Breaker(5, 5_000, 1);
    }

    /** The exact cache: answers by model, version, input bytes and requested outputs; LRU within a byte budget. */
    public record Cache(long maxBytes, long ttlMs) {}

    /**
     * What happens to the text ({@code BYTES} tensors) of a request that escalates: redacted before it leaves the node
     * unless {@code enabled} is false, and the placeholders in the parent's {@code BYTES} outputs put back unless
     * {@code restore} is false.
     */
    public record Redaction(Boolean enabled, Boolean restore) {
        public boolean redacts() {
            return enabled == null || enabled;
        }

        public boolean restores() {
            return restore == null || restore;
        }
    }

    public Redaction redactionOrDefault() {
        return redaction == null ? new Redaction(null, null) : redaction;
    }

    /** The budget of a request that does not name one. */
    public Duration defaultTimeout() {
        return Duration.ofMillis(timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs);
    }

    public Retries retriesOrDefault() {
        return retries == null ? Retries.DEFAULT : retries;
    }

    public Breaker breakerOrDefault() {
        return circuitBreaker == null ? Breaker.DEFAULT : circuitBreaker;
    }

    public EscalationRules rules() {
        return escalateWhen == null ? EscalationRules.NONE : escalateWhen;
    }

    public boolean logits() {
        return "softmax".equals(activation);
    }

    /** The name of parent {@code index} as responses and metrics give it. */
    public String parentName(int index) {
        Parent parent = parents.get(index);
        return parent.name() != null ? parent.name() : URI.create(parent.url()).getHost();
    }

    /**
     * Reads and checks a routing section.
     *
     * @throws InferenceException invalid-argument naming what is wrong
     */
    public static RoutingPolicy parse(JsonNode section) {
        RoutingPolicy policy;
        try {
            policy = MAPPER.treeToValue(section, RoutingPolicy.class);
        } catch (JacksonException e) {
            throw invalid(e.getOriginalMessage());
        }
        if (policy == null) {
            throw invalid("the section must be a JSON object");
        }
        policy = policy.parents == null ? policy.withParents(List.of()) : policy;
        policy.check();
        return policy;
    }

    private RoutingPolicy withParents(List<Parent> newParents) {
        return new RoutingPolicy(
                output, activation, escalateWhen, newParents, timeoutMs, retries, circuitBreaker, cache, redaction);
    }

    private void check() {
        if (activation != null && !activation.equals("softmax") && !activation.equals("none")) {
            throw invalid(
                    "activation must be \"softmax\" (the output holds logits) or \"none\", got \"" + activation + "\"");
        }
        EscalationRules rules = rules();
        requireFraction("max_probability_below", rules.maxProbabilityBelow());
        rules.classMaxProbabilityBelow().forEach((label, threshold) -> {
            if (label < 0) {
                throw invalid("class_max_probability_below: class indexes start at 0, got " + label);
            }
            requireFraction("class_max_probability_below." + label, threshold);
        });
        requireFraction("entropy_above", rules.entropyAbove());
        requireFraction("margin_below", rules.marginBelow());
        if ((rules.scoreBelow() == null) != (rules.scoreOutput() == null)) {
            throw invalid("score_below and score_output go together: one names the output, the other the threshold");
        }
        if (!rules.isEmpty() && parents.isEmpty()) {
            throw invalid("escalate_when needs at least one parent to escalate to");
        }
        if (rules.isEmpty() && !parents.isEmpty()) {
            throw invalid("the parents are never asked: escalate_when names no rule");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < parents.size(); i++) {
            checkParent(i, parents.get(i));
            if (!names.add(parentName(i))) {
                throw invalid("parents[" + i + "]: the name '" + parentName(i) + "' is taken by an earlier parent");
            }
        }
        if (timeoutMs != null && timeoutMs <= 0) {
            throw invalid("timeout_ms must be positive, got " + timeoutMs);
        }
        if (retries != null
                && (retries.maxRetries() < 0
                        || retries.initialBackoffMs() < 0
                        || retries.maxBackoffMs() < retries.initialBackoffMs())) {
            throw invalid("retries: max_retries and initial_backoff_ms must not be negative, and max_backoff_ms must"
                    + " not be below initial_backoff_ms");
        }
        if (circuitBreaker != null
                && (circuitBreaker.failureThreshold() < 1
                        || circuitBreaker.openMs() < 0
                        || circuitBreaker.halfOpenProbes() < 1)) {
            throw invalid("circuit_breaker: failure_threshold and half_open_probes must be at least 1, open_ms must"
                    + " not be negative");
        }
        if (cache != null && (cache.maxBytes() <= 0 || cache.ttlMs() <= 0)) {
            throw invalid("cache: max_bytes and ttl_ms must be positive");
        }
    }

    private static void checkParent(int index, Parent parent) {
        String where = "parents[" + index + "]";
        if (parent == null) {
            throw invalid(where + " must be an object");
        }
        if (parent.url() == null || parent.model() == null) {
            throw invalid(where + " needs a 'url' and a 'model'");
        }
        URI uri;
        try {
            uri = URI.create(parent.url());
        } catch (IllegalArgumentException e) {
            throw invalid(where + ".url is not a URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw invalid(where + ".url must be an http or https URL with a host, got \"" + parent.url() + "\"");
        }
    }

    private static void requireFraction(String field, Double value) {
        if (value != null && !(value >= 0 && value <= 1)) {
            throw invalid(field + " must be within [0, 1], got " + value);
        }
    }

    private static InferenceException invalid(String message) {
        return InferenceException.invalid("invalid routing section: " + message);
    }
}

package io.fogline.routing;

import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.protocol.RequestedOutput;
import io.fogline.core.tensor.Tensor;
import io.fogline.routing.cache.ExactCache;
import io.fogline.routing.policy.RoutingPolicy;
import io.fogline.routing.redact.RedactionSession;
import io.fogline.routing.redact.Redactor;
import io.fogline.routing.redact.TensorRedaction;
import io.fogline.routing.score.ConfidenceScorer;
import io.fogline.routing.score.Verdict;
import io.fogline.routing.upstream.Backoff;
import io.fogline.routing.upstream.CircuitBreaker;
import io.fogline.routing.upstream.OipClient;
import io.fogline.routing.upstream.Retrier;
import io.fogline.routing.upstream.UpstreamException;
import io.fogline.runtime.config.ModelConfig;
import io.fogline.runtime.repository.ModelManager;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The per-request flow of a model with a {@code "routing"} section: exact cache, then the local model, then its
 * answer judged by the policy's rules, and when they ask for it, the first parent that answers within the request's
 * budget. A parent that is down, slow, failing or behind an open breaker does not fail the request: the local answer
 * goes back, marked degraded. Models without the section go straight to the model manager.
 */
public final class Router implements AutoCloseable {

    private final ModelManager models;
    private final RoutingObserver observer;
    private final HttpClient http;
    private final LongSupplier nanoClock;
    /** Finds the personal data in text that escalates; stateless, so one serves every request. */
    private static final Redactor REDACTOR = Redactor.standard();

    private final Map<String, RoutedModel> routed = new ConcurrentHashMap<>();
    /** One breaker per parent endpoint and breaker settings, shared by the models that escalate there. */
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    /** Parent calls block on their own virtual threads, so retries and backoff read as plain code. */
    private final ExecutorService escalations = Executors.newVirtualThreadPerTaskExecutor();

    /** @param nanoClock the time in nanoseconds for budgets, breakers and cache expiry; {@code System::nanoTime} */
    public Router(ModelManager models, RoutingObserver observer, HttpClient http, LongSupplier nanoClock) {
        this.models = models;
        this.observer = observer;
        this.http = http;
        this.nanoClock = nanoClock;
    }

    /** Checks a config's routing section, for {@link ModelManager}'s config check: a bad one refuses the load. */
    public static void check(ModelConfig config) {
        if (config.routing() != null) {
            RoutingPolicy.parse(config.routing());
        }
    }

    /**
     * Answers a request, with {@link RoutingParameters} in the response when the model has a routing section.
     *
     * @return completes with the answer, or exceptionally with an {@link InferenceException}
     */
    public CompletableFuture<InferenceResponse> infer(String model, String version, InferenceRequest request) {
        ModelConfig config = models.config(model);
        if (config.routing() == null) {
            return models.infer(model, version, request);
        }
        long started = nanoClock.getAsLong();
        RoutedModel route = routedModel(model, config);
        long deadline = started + budget(request, route.policy()).toNanos();
        CacheLookup lookup = null;
        if (route.cache() != null) {
            ExactCache.Key key = ExactCache.Key.of(model, version, request);
            InferenceResponse hit = route.cache().get(key);
            long lookupNanos = nanoClock.getAsLong() - started;
            if (hit != null) {
                models.cacheHit(model, hit.modelVersion(), lookupNanos);
                return CompletableFuture.completedFuture(fromCache(model, hit, request.id()));
            }
            lookup = new CacheLookup(key, lookupNanos);
        }
        CacheLookup cacheKey = lookup;
        RoutingPolicy.EscalationRules rules = route.policy().rules();
        String classesOutput = rules.readsProbabilities() ? classesOutput(model, version, route.policy()) : null;
        InferenceRequest local = withOutputs(request, classesOutput, rules.scoreOutput());
        return models.infer(model, version, local).thenCompose(answer -> {
            Verdict verdict = route.scorer()
                    .judge(scored(answer, request, classesOutput), scored(answer, request, rules.scoreOutput()));
            InferenceResponse localAnswer = trimmed(answer, request);
            if (!verdict.escalate()) {
                return CompletableFuture.completedFuture(
                        remember(route, cacheKey, local(model, localAnswer, verdict, null)));
            }
            return CompletableFuture.supplyAsync(
                    () -> escalate(route, model, request, localAnswer, verdict, deadline, cacheKey), escalations);
        });
    }

    private InferenceResponse escalate(
            RoutedModel route,
            String model,
            InferenceRequest request,
            InferenceResponse localAnswer,
            Verdict verdict,
            long deadline,
            CacheLookup key) {
        List<String> failures = new ArrayList<>();
        RoutingPolicy.Redaction redaction = route.policy().redactionOrDefault();
        RedactionSession session = redaction.redacts() ? REDACTOR.newSession() : null;
        InferenceRequest outgoing = session == null ? request : TensorRedaction.redact(request, session);
        for (ParentTier parent : route.parents()) {
            try {
                InferenceResponse remote = route.retrier().call(parent.breaker(), deadline, remaining -> parent.client()
                        .infer(outgoing, remaining));
                if (session != null && redaction.restores()) {
                    remote = TensorRedaction.restore(remote, session);
                }
                return remember(route, key, fromParent(model, parent.name(), localAnswer, remote, verdict));
            } catch (UpstreamException e) {
                failures.add(parent.name() + ": " + e.getMessage());
            }
        }
        return local(model, localAnswer, verdict, String.join("; ", failures));
    }

    private InferenceResponse local(String model, InferenceResponse answer, Verdict verdict, String parentError) {
        Map<String, Object> parameters = new LinkedHashMap<>(answer.parameters());
        parameters.put(RoutingParameters.TIER, RoutingParameters.LOCAL);
        parameters.put(RoutingParameters.CONFIDENCE, verdict.confidence());
        parameters.put(RoutingParameters.ESCALATION, verdict.reason());
        parameters.put(RoutingParameters.CACHE, RoutingParameters.CACHE_MISS);
        if (parentError != null) {
            parameters.put(RoutingParameters.DEGRADED, true);
            parameters.put(RoutingParameters.PARENT_ERROR, parentError);
        }
        observer.answered(
                model, RoutingParameters.LOCAL, verdict.reason(), RoutingParameters.CACHE_MISS, parentError != null);
        return new InferenceResponse(
                answer.modelName(), answer.modelVersion(), answer.id(), parameters, answer.outputs());
    }

    private InferenceResponse fromParent(
            String model, String parentName, InferenceResponse localAnswer, InferenceResponse remote, Verdict verdict) {
        // A parent that escalated in turn says so; the chain of names tells the client how far the request went.
        Object upstreamTier = remote.parameters().get(RoutingParameters.TIER);
        String tier = upstreamTier == null || RoutingParameters.LOCAL.equals(upstreamTier)
                ? parentName
                : parentName + "/" + upstreamTier;
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put(RoutingParameters.TIER, tier);
        parameters.put(
                RoutingParameters.CONFIDENCE,
                remote.parameters().getOrDefault(RoutingParameters.CONFIDENCE, verdict.confidence()));
        parameters.put(RoutingParameters.ESCALATION, verdict.reason());
        parameters.put(RoutingParameters.CACHE, RoutingParameters.CACHE_MISS);
        observer.answered(model, tier, verdict.reason(), RoutingParameters.CACHE_MISS, false);
        return new InferenceResponse(
                localAnswer.modelName(), localAnswer.modelVersion(), localAnswer.id(), parameters, remote.outputs());
    }

    private InferenceResponse fromCache(String model, InferenceResponse hit, String id) {
        Map<String, Object> parameters = new LinkedHashMap<>(hit.parameters());
        parameters.put(RoutingParameters.CACHE, RoutingParameters.CACHE_EXACT);
        observer.answered(
                model,
                String.valueOf(parameters.get(RoutingParameters.TIER)),
                String.valueOf(parameters.get(RoutingParameters.ESCALATION)),
                RoutingParameters.CACHE_EXACT,
                false);
        return new InferenceResponse(hit.modelName(), hit.modelVersion(), id, parameters, hit.outputs());
    }

    /** A request's key in the exact cache, and how long finding that it is not there took. */
    private record CacheLookup(ExactCache.Key key, long nanos) {}

    /**
     * Keeps an answer that a tier gave as it should, and counts the miss with its lookup and insertion time: degraded
     * answers are not kept, so a recovered parent is asked.
     */
    private InferenceResponse remember(RoutedModel route, CacheLookup lookup, InferenceResponse answer) {
        if (lookup != null) {
            long started = nanoClock.getAsLong();
            route.cache().put(lookup.key(), answer);
            models.cacheMiss(
                    answer.modelName(), answer.modelVersion(), lookup.nanos() + nanoClock.getAsLong() - started);
        }
        return answer;
    }

    private RoutedModel routedModel(String model, ModelConfig config) {
        RoutedModel current = routed.get(model);
        if (current != null && current.config() == config) {
            return current;
        }
        return routed.compute(
                model,
                (name, existing) -> existing != null && existing.config() == config ? existing : build(model, config));
    }

    private RoutedModel build(String model, ModelConfig config) {
        RoutingPolicy policy = RoutingPolicy.parse(config.routing());
        if (policy.rules().maxProbabilityBelow() != null) {
            observer.thresholdApplied(model, policy.rules().maxProbabilityBelow());
        }
        RoutingPolicy.Breaker breaker = policy.breakerOrDefault();
        List<ParentTier> parents = new ArrayList<>();
        for (int i = 0; i < policy.parents().size(); i++) {
            RoutingPolicy.Parent parent = policy.parents().get(i);
            String name = policy.parentName(i);
            String breakerKey = String.join(
                    "\u0000", parent.url(), parent.model(), String.valueOf(parent.version()), breaker.toString());
            CircuitBreaker circuit = breakers.computeIfAbsent(
                    breakerKey,
                    key -> new CircuitBreaker(
                            breaker.failureThreshold(),
                            Duration.ofMillis(breaker.openMs()),
                            breaker.halfOpenProbes(),
                            nanoClock,
                            (from, to) -> observer.breakerChanged(name, to)));
            parents.add(new ParentTier(
                    name,
                    new OipClient(http, parent.url(), parent.model(), parent.version(), parent.binaryOrDefault()),
                    circuit));
        }
        RoutingPolicy.Retries retries = policy.retriesOrDefault();
        Retrier retrier = new Retrier(
                retries.maxRetries(),
                new Backoff(Duration.ofMillis(retries.initialBackoffMs()), Duration.ofMillis(retries.maxBackoffMs())),
                nanoClock,
                Retrier.Sleeper.REAL,
                ThreadLocalRandom.current());
        ExactCache cache = policy.cache() == null
                ? null
                : new ExactCache(
                        policy.cache().maxBytes(),
                        Duration.ofMillis(policy.cache().ttlMs()),
                        nanoClock);
        return new RoutedModel(
                config, policy, new ConfidenceScorer(policy.rules(), policy.logits()), cache, parents, retrier);
    }

    /** The request's own budget ({@link InferenceRequest#timeout}), else the policy's. */
    private static Duration budget(InferenceRequest request, RoutingPolicy policy) {
        Duration own = request.timeout();
        return own != null ? own : policy.defaultTimeout();
    }

    private String classesOutput(String model, String version, RoutingPolicy policy) {
        return policy.output() != null
                ? policy.output()
                : models.metadata(model, version).outputs().getFirst().name();
    }

    /** The request with the outputs that the rules read added after the client's own, when it names its outputs. */
    private static InferenceRequest withOutputs(InferenceRequest request, String... needed) {
        if (request.outputs().isEmpty()) {
            return request;
        }
        List<RequestedOutput> outputs = new ArrayList<>(request.outputs());
        for (String name : needed) {
            if (name != null
                    && outputs.stream()
                            .noneMatch(output -> output.name().equals(name) && output.classification() == 0)) {
                outputs.add(RequestedOutput.named(name));
            }
        }
        return outputs.size() == request.outputs().size()
                ? request
                : new InferenceRequest(request.id(), request.parameters(), request.inputs(), outputs);
    }

    /** The raw tensor of output {@code name} in a local answer, which {@link #withOutputs} made sure is there. */
    private static Tensor scored(InferenceResponse answer, InferenceRequest request, String name) {
        if (name == null) {
            return null;
        }
        List<Tensor> outputs = answer.outputs();
        for (int i = 0; i < outputs.size(); i++) {
            boolean classified =
                    i < request.outputs().size() && request.outputs().get(i).classification() > 0;
            if (outputs.get(i).name().equals(name) && !classified) {
                return outputs.get(i);
            }
        }
        throw InferenceException.internal("routing: the model gave no output '" + name + "' to score", null);
    }

    /** The answer without the outputs added for scoring. */
    private static InferenceResponse trimmed(InferenceResponse answer, InferenceRequest request) {
        if (request.outputs().isEmpty()
                || answer.outputs().size() == request.outputs().size()) {
            return answer;
        }
        return new InferenceResponse(
                answer.modelName(),
                answer.modelVersion(),
                answer.id(),
                answer.parameters(),
                answer.outputs().subList(0, request.outputs().size()));
    }

    @Override
    public void close() {
        escalations.close();
    }
}

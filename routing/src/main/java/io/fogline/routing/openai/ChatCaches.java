package io.fogline.routing.openai;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.routing.cache.ExactCache;
import io.fogline.routing.cache.SemanticCache;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The exact and semantic caches of the chat endpoint. The exact cache is the inference path's, keyed here by the
 * request's scope and redacted conversation as one string tensor; the semantic cache answers single questions by
 * meaning within the same scope. Either may be absent.
 */
public final class ChatCaches {

    /** How a request was answered from the caches, as the {@code fogline-cache} header says it. */
    public enum Outcome {
        EXACT("exact"),
        SEMANTIC("semantic"),
        MISS("miss"),
        OFF("off");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private static final System.Logger LOG = System.getLogger(ChatCaches.class.getName());

    record Lookup(Outcome outcome, CachedAnswer answer, SemanticCache.Probe<CachedAnswer> probe, double similarity) {}

    private final ExactCache exact;
    private final SemanticCache<CachedAnswer> semantic;

    /**
     * @param exact null for none
     * @param semantic null for none
     */
    public ChatCaches(ExactCache exact, SemanticCache<CachedAnswer> semantic) {
        this.exact = exact;
        this.semantic = semantic;
    }

    public static ChatCaches none() {
        return new ChatCaches(null, null);
    }

    Lookup lookup(ChatRequest request) {
        if (!request.cacheable() || (exact == null && semantic == null)) {
            return new Lookup(Outcome.OFF, null, null, 0);
        }
        if (exact != null) {
            InferenceResponse stored = exact.get(key(request));
            if (stored != null) {
                return new Lookup(Outcome.EXACT, decode(stored), null, 1);
            }
        }
        if (semantic != null && request.question() != null) {
            SemanticCache.Probe<CachedAnswer> probe;
            try {
                probe = semantic.probe(request.scope(), request.question());
            } catch (RuntimeException e) {
                // No embedding (the embedding model unloaded or failing) costs a cache hit, never the answer.
                LOG.log(System.Logger.Level.WARNING, "semantic cache skipped: {0}", e.getMessage());
                return new Lookup(Outcome.MISS, null, null, 0);
            }
            if (probe.hit().isPresent()) {
                return new Lookup(
                        Outcome.SEMANTIC,
                        probe.hit().get().value(),
                        probe,
                        probe.hit().get().similarity());
            }
            return new Lookup(Outcome.MISS, null, probe, 0);
        }
        return new Lookup(Outcome.MISS, null, null, 0);
    }

    void store(ChatRequest request, Lookup lookup, CachedAnswer answer) {
        if (lookup.outcome() != Outcome.MISS) {
            return;
        }
        if (exact != null) {
            exact.put(key(request), encode(answer));
        }
        if (lookup.probe() != null) {
            semantic.put(lookup.probe(), answer);
        }
    }

    private static ExactCache.Key key(ChatRequest request) {
        return ExactCache.Key.of(
                "openai-chat",
                null,
                InferenceRequest.of(
                        Tensor.ofStrings("conversation", new long[] {2}, request.scope(), request.conversation())));
    }

    private static InferenceResponse encode(CachedAnswer answer) {
        return new InferenceResponse(
                "openai-chat",
                "",
                null,
                Map.of(),
                List.of(Tensor.ofStrings(
                        "answer", new long[] {2}, answer.content(), String.valueOf(answer.finishReason()))));
    }

    private static CachedAnswer decode(InferenceResponse response) {
        List<byte[]> fields = response.output("answer").toByteElements();
        return new CachedAnswer(
                new String(fields.get(0), StandardCharsets.UTF_8), new String(fields.get(1), StandardCharsets.UTF_8));
    }
}

package io.fogline.routing.cache;

import io.fogline.routing.embed.Embedding;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Answers by meaning: a question whose sentence embedding is within a cosine threshold of a cached question's, in the
 * same scope (model and request parameters), gets that question's answer, unless {@link MeaningGuard} vetoes the
 * pair. Entries expire after a time to live and the least recently used goes when the cache is full. A lookup scans
 * the scope's entries (384 multiply-adds each), which costs far less than the embedding it compares. Thread-safe.
 *
 * @param <V> the cached answer
 */
public final class SemanticCache<V> {

    /**
     * The lowest cosine threshold at which the guarded cache made no wrong hit on the repository's paraphrase set
     * (negations, antonyms, reversals, changed figures and entities; docs/benchmarks.md). Below it, antonyms ("good"
     * / "bad") are the first wrong hits: neither the embedding nor the guard tells them apart.
     */
    public static final double DEFAULT_THRESHOLD = 0.95;

    /**
     * @param threshold the least cosine similarity that counts as the same question
     * @param maxEntries the most answers kept; the least recently used goes first
     * @param timeToLive how long an answer may be served
     * @param guarded whether {@link MeaningGuard} may veto a hit
     */
    public record Settings(double threshold, int maxEntries, Duration timeToLive, boolean guarded) {

        public Settings {
            if (threshold <= 0 || threshold > 1) {
                throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
            }
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
            }
            if (timeToLive.isNegative() || timeToLive.isZero()) {
                throw new IllegalArgumentException("timeToLive must be positive, got " + timeToLive);
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_THRESHOLD, 10_000, Duration.ofHours(1), true);
        }
    }

    /** A cached answer served for a question, and how close the question it was cached for is. */
    public record Hit<V>(V value, String cachedQuestion, double similarity) {}

    /** A question looked up: its embedding, kept to store the answer under it on a miss. */
    public record Probe<V>(String scope, String question, Embedding embedding, Optional<Hit<V>> hit) {}

    private record Entry<V>(String scope, String question, float[] vector, V value, long expiresAtMillis) {}

    private final Function<String, Embedding> embedder;
    private final Settings settings;
    private final Clock clock;
    private final Map<Long, Entry<V>> entries = new HashMap<>();
    /** Every entry's id, least recently used first. */
    private final LinkedHashSet<Long> recency = new LinkedHashSet<>();

    private final Map<String, Set<Long>> byScope = new HashMap<>();
    private long nextId;

    public SemanticCache(Function<String, Embedding> embedder, Settings settings, Clock clock) {
        this.embedder = embedder;
        this.settings = settings;
        this.clock = clock;
    }

    public Settings settings() {
        return settings;
    }

    /** Embeds the question and looks for an answer; the embedding runs outside the cache's lock. */
    public Probe<V> probe(String scope, String question) {
        Embedding embedding = embedder.apply(question);
        return new Probe<>(scope, question, embedding, find(scope, question, embedding.vector()));
    }

    /** Keeps the answer to a probed question. */
    public synchronized void put(Probe<V> probe, V value) {
        long id = nextId++;
        entries.put(
                id,
                new Entry<>(
                        probe.scope(),
                        probe.question(),
                        probe.embedding().vector(),
                        value,
                        clock.millis() + settings.timeToLive().toMillis()));
        recency.add(id);
        byScope.computeIfAbsent(probe.scope(), scope -> new LinkedHashSet<>()).add(id);
        while (entries.size() > settings.maxEntries()) {
            remove(recency.getFirst());
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    private synchronized Optional<Hit<V>> find(String scope, String question, float[] vector) {
        Set<Long> ids = byScope.get(scope);
        if (ids == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        Long bestId = null;
        double best = settings.threshold();
        for (Iterator<Long> it = ids.iterator(); it.hasNext(); ) {
            Long id = it.next();
            Entry<V> entry = entries.get(id);
            if (entry.expiresAtMillis() <= now) {
                entries.remove(id);
                recency.remove(id);
                it.remove();
                continue;
            }
            double similarity = Embedding.cosine(vector, entry.vector());
            if (similarity >= best && (!settings.guarded() || MeaningGuard.compatible(question, entry.question()))) {
                best = similarity;
                bestId = id;
            }
        }
        if (ids.isEmpty()) {
            byScope.remove(scope);
        }
        if (bestId == null) {
            return Optional.empty();
        }
        Entry<V> served = entries.get(bestId);
        recency.remove(bestId);
        recency.add(bestId);
        return Optional.of(new Hit<>(served.value(), served.question(), best));
    }

    private void remove(Long id) {
        Entry<V> entry = entries.remove(id);
        recency.remove(id);
        Set<Long> ids = byScope.get(entry.scope());
        ids.remove(id);
        if (ids.isEmpty()) {
            byScope.remove(entry.scope());
        }
    }
}

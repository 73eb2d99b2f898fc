package io.fogline.routing.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.routing.embed.MiniLm;
import io.fogline.routing.embed.SentenceEmbedder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SemanticCacheTest {

    private final SentenceEmbedder embedder = MiniLm.embedder();
    private final MutableClock clock = new MutableClock();

    private SemanticCache<String> cache(int maxEntries) {
        return new SemanticCache<>(
                embedder::embed,
                new SemanticCache.Settings(SemanticCache.DEFAULT_THRESHOLD, maxEntries, Duration.ofMinutes(10), true),
                clock);
    }

    private static void remember(SemanticCache<String> cache, String scope, String question, String answer) {
        SemanticCache.Probe<String> probe = cache.probe(scope, question);
        assertThat(probe.hit()).isEmpty();
        cache.put(probe, answer);
    }

    @Test
    void answersAParaphraseFromTheSameScope() {
        SemanticCache<String> cache = cache(10);
        remember(cache, "gpt|t=0", "How do I cancel my subscription?", "Settings, then Cancel.");
        SemanticCache.Hit<String> hit = cache.probe("gpt|t=0", "How can I cancel my subscription?")
                .hit()
                .orElseThrow();
        assertThat(hit.value()).isEqualTo("Settings, then Cancel.");
        assertThat(hit.cachedQuestion()).isEqualTo("How do I cancel my subscription?");
        assertThat(hit.similarity()).isGreaterThan(SemanticCache.DEFAULT_THRESHOLD);
    }

    @Test
    void missesInAnotherScopeAndOnAnUnrelatedQuestion() {
        SemanticCache<String> cache = cache(10);
        remember(cache, "gpt|t=0", "How do I cancel my subscription?", "Settings, then Cancel.");
        assertThat(cache.probe("gpt|t=0.7", "How do I cancel my subscription?").hit())
                .isEmpty();
        assertThat(cache.probe("gpt|t=0", "What is the capital of France?").hit())
                .isEmpty();
    }

    @Test
    void refusesANegatedQuestionThatEmbedsCloseToTheCachedOne() {
        SemanticCache<String> cache = cache(10);
        remember(cache, "s", "Is it safe to drink tap water in Mexico City?", "Boil it first.");
        SemanticCache.Probe<String> negated = cache.probe("s", "Is it not safe to drink tap water in Mexico City?");
        assertThat(embedder.embed("Is it safe to drink tap water in Mexico City?")
                        .cosine(negated.embedding()))
                .isGreaterThan(SemanticCache.DEFAULT_THRESHOLD);
        assertThat(negated.hit()).isEmpty();
    }

    @Test
    void forgetsAnAnswerOnceItsTimeToLiveHasPassed() {
        SemanticCache<String> cache = cache(10);
        remember(cache, "s", "What is the refund policy?", "30 days.");
        clock.advance(Duration.ofMinutes(9));
        assertThat(cache.probe("s", "What is the refund policy?").hit()).isPresent();
        clock.advance(Duration.ofMinutes(1));
        assertThat(cache.probe("s", "What is the refund policy?").hit()).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void evictsTheLeastRecentlyUsedAnswerWhenFull() {
        SemanticCache<String> cache = cache(2);
        remember(cache, "s", "What is the refund policy?", "30 days.");
        remember(cache, "s", "Do you ship to Australia?", "Yes.");
        assertThat(cache.probe("s", "What is the refund policy?").hit()).isPresent();
        remember(cache, "s", "Why is the sky blue?", "Rayleigh scattering.");
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.probe("s", "Do you ship to Australia?").hit()).isEmpty();
        assertThat(cache.probe("s", "What is the refund policy?").hit()).isPresent();
        assertThat(cache.probe("s", "Why is the sky blue?").hit()).isPresent();
    }

    @Test
    void refusesSettingsOutsideTheirRange() {
        assertThatThrownBy(() -> new SemanticCache.Settings(1.5, 10, Duration.ofMinutes(1), true))
                .hasMessage("threshold must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> new SemanticCache.Settings(0.9, 0, Duration.ofMinutes(1), true))
                .hasMessage("maxEntries must be at least 1, got 0");
        assertThatThrownBy(() -> new SemanticCache.Settings(0.9, 10, Duration.ZERO, true))
                .hasMessage("timeToLive must be positive, got PT0S");
    }
}

package io.fogline.routing.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceEmbedderTest {

    private final SentenceEmbedder embedder = MiniLm.embedder();

    @Test
    void givesUnitLength384DimensionalVectorsCountingSpecialTokens() {
        Embedding embedding = embedder.embed("hello world");
        assertThat(embedding.vector()).hasSize(384);
        assertThat(embedding.cosine(embedding)).isCloseTo(1.0, within(1e-5));
        assertThat(embedding.tokens()).isEqualTo(4);
    }

    @Test
    void embedsTheSameTextAloneOrPaddedInABatch() {
        List<String> texts =
                List.of("short one", "a much longer sentence that needs many more word pieces than the first");
        List<Embedding> batched = embedder.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            Embedding alone = embedder.embed(texts.get(i));
            assertThat(batched.get(i).cosine(alone)).isCloseTo(1.0, within(1e-5));
            assertThat(batched.get(i).tokens()).isEqualTo(alone.tokens());
        }
    }

    @Test
    void splitsMoreTextsThanTheBatchSizeIntoSeveralRequestsKeepingTheirOrder() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            texts.add("sentence number " + i);
        }
        List<Embedding> embeddings = embedder.embed(texts);
        assertThat(embeddings).hasSize(37);
        assertThat(embeddings.get(30).cosine(embedder.embed("sentence number 30")))
                .isCloseTo(1.0, within(1e-5));
    }

    @Test
    void placesAParaphraseCloserThanAnUnrelatedSentence() {
        List<Embedding> e = embedder.embed(List.of(
                "The delivery truck is stuck in traffic.",
                "A lorry carrying parcels is delayed on the road.",
                "Our quarterly revenue grew by twelve percent."));
        assertThat(e.get(0).cosine(e.get(1)))
                .isGreaterThan(0.4)
                .isGreaterThan(e.get(0).cosine(e.get(2)) + 0.3);
    }

    @Test
    void readsAtMost256TokensOfALongText() {
        String longText = String.join(" ", Collections.nCopies(600, "word"));
        assertThat(embedder.embed(longText).tokens()).isEqualTo(SentenceEmbedder.MAX_TOKENS);
    }
}

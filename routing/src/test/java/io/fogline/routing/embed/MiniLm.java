package io.fogline.routing.embed;

import io.fogline.runtime.repository.ModelManager;
import io.fogline.runtime.stats.InferenceObserver;
import io.fogline.runtime.testing.TestModels;

/** all-MiniLM-L6-v2 served by a model manager, shared by the tests of one JVM (loading it costs a second). */
public final class MiniLm {

    private static ModelManager models;
    private static SentenceEmbedder embedder;

    private MiniLm() {}

    public static synchronized SentenceEmbedder embedder() {
        if (embedder == null) {
            models = new ModelManager(TestModels.minilm(), InferenceObserver.NONE);
            models.load("minilm", null);
            embedder = SentenceEmbedder.onModel(models, "minilm");
        }
        return embedder;
    }
}

package io.fogline.routing.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.runtime.repository.ModelManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Sentence embeddings from a BERT-style encoder served by the runtime (all-MiniLM-L6-v2): the model's tokenizer, the
 * {@code last_hidden_state} averaged over the real tokens (mean pooling, as sentence-transformers does) and
 * L2-normalised. Texts go to the model in batches of at most its batch size, padded to the longest of each batch.
 * Thread-safe.
 */
public final class SentenceEmbedder implements AutoCloseable {

    /** sentence-transformers reads at most this many tokens of a text for all-MiniLM-L6-v2; the rest is cut. */
    public static final int MAX_TOKENS = 256;

    private final HuggingFaceTokenizer tokenizer;
    private final Function<InferenceRequest, CompletableFuture<InferenceResponse>> model;
    private final int maxBatch;

    /**
     * @param tokenizerJson the model's {@code tokenizer.json}
     * @param model runs one request on the model (inputs {@code input_ids}, {@code attention_mask},
     *     {@code token_type_ids}; output {@code last_hidden_state})
     * @param maxBatch the most texts per request, at least 1
     */
    public SentenceEmbedder(
            Path tokenizerJson, Function<InferenceRequest, CompletableFuture<InferenceResponse>> model, int maxBatch) {
        try {
            this.tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optMaxLength(MAX_TOKENS)
                    .optTruncation(true)
                    .optPadding(true)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer " + tokenizerJson, e);
        }
        this.model = model;
        this.maxBatch = Math.max(1, maxBatch);
    }

    /** An embedder on a model of the repository, with the {@code tokenizer.json} its directory holds. */
    public static SentenceEmbedder onModel(ModelManager models, String name) {
        Path tokenizer = models.repository().resolve(name).resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            throw InferenceException.invalid("model '" + name + "' has no tokenizer.json beside its versions");
        }
        return new SentenceEmbedder(
                tokenizer, request -> models.infer(name, null, request), Math.max(1, models.maxBatchSize(name)));
    }

    public Embedding embed(String text) {
        return embed(List.of(text)).getFirst();
    }

    /** One embedding per text, in order. */
    public List<Embedding> embed(List<String> texts) {
        List<CompletableFuture<List<Embedding>>> batches = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += maxBatch) {
            batches.add(embedBatch(texts.subList(from, Math.min(texts.size(), from + maxBatch))));
        }
        List<Embedding> embeddings = new ArrayList<>(texts.size());
        try {
            batches.forEach(batch -> embeddings.addAll(batch.join()));
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        return embeddings;
    }

    private CompletableFuture<List<Embedding>> embedBatch(List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        int length = encodings[0].getIds().length;
        long[] ids = new long[texts.size() * length];
        long[] mask = new long[ids.length];
        long[] types = new long[ids.length];
        for (int i = 0; i < encodings.length; i++) {
            System.arraycopy(encodings[i].getIds(), 0, ids, i * length, length);
            System.arraycopy(encodings[i].getAttentionMask(), 0, mask, i * length, length);
            System.arraycopy(encodings[i].getTypeIds(), 0, types, i * length, length);
        }
        long[] shape = {texts.size(), length};
        InferenceRequest request = InferenceRequest.of(
                Tensor.ofLongs("input_ids", shape, ids),
                Tensor.ofLongs("attention_mask", shape, mask),
                Tensor.ofLongs("token_type_ids", shape, types));
        return model.apply(request)
                .thenApply(response -> pool(response.output("last_hidden_state"), mask, texts.size(), length));
    }

    private static List<Embedding> pool(Tensor hidden, long[] mask, int texts, int length) {
        float[] values = hidden.toFloats();
        int width = (int) hidden.dim(2);
        List<Embedding> embeddings = new ArrayList<>(texts);
        for (int text = 0; text < texts; text++) {
            float[] pooled = new float[width];
            int tokens = 0;
            for (int t = 0; t < length; t++) {
                if (mask[text * length + t] == 0) {
                    continue;
                }
                tokens++;
                int offset = (text * length + t) * width;
                for (int d = 0; d < width; d++) {
                    pooled[d] += values[offset + d];
                }
            }
            double norm = 0;
            for (float value : pooled) {
                norm += value * value;
            }
            float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < width; d++) {
                pooled[d] *= scale;
            }
            embeddings.add(new Embedding(pooled, tokens));
        }
        return embeddings;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

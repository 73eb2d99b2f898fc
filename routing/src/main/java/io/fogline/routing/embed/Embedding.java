package io.fogline.routing.embed;

/**
 * A sentence embedding, L2-normalised, so the cosine of two is their dot product.
 *
 * @param tokens the tokens the model read, special tokens included (what OpenAI's {@code usage} counts)
 */
public record Embedding(float[] vector, int tokens) {

    /** Cosine similarity with another normalised embedding. */
    public double cosine(Embedding other) {
        return cosine(vector, other.vector);
    }

    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }
}

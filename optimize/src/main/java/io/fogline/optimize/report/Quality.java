package io.fogline.optimize.report;

/** How close the quantized model's answers stay to the FP32 model's. */
public sealed interface Quality {

    /**
     * Classification: the share of labelled samples each model gets right.
     *
     * @param before the FP32 model's accuracy
     * @param after the quantized model's accuracy
     */
    record Accuracy(double before, double after, int samples) implements Quality {

        /** Accuracy lost, in percentage points (negative when quantization happened to gain). */
        public double pointsLost() {
            return 100 * (before - after);
        }
    }

    /**
     * Embeddings and other outputs without labels: cosine similarity of each sample's quantized output to its FP32
     * output (for token-level outputs of rank 3, of their attention-masked means: the sentence embeddings).
     */
    record Similarity(double meanCosine, double minCosine, int samples) implements Quality {}
}

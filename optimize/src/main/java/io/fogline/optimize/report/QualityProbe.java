package io.fogline.optimize.report;

import ai.onnxruntime.OrtException;
import io.fogline.optimize.samples.InputTensor;
import io.fogline.optimize.samples.Sample;
import io.fogline.optimize.samples.SampleSet;
import java.nio.file.Path;

/** Runs the FP32 and the quantized model over a sample set and compares their answers. */
public final class QualityProbe {

    static final String ATTENTION_MASK = "attention_mask";

    private QualityProbe() {}

    /** Accuracy when the samples are labelled, cosine similarity to the FP32 outputs otherwise. */
    public static Quality measure(Path reference, Path candidate, SampleSet samples) throws OrtException {
        try (ModelSession before = new ModelSession(reference, 1);
                ModelSession after = new ModelSession(candidate, 1)) {
            return samples.labelled() ? accuracy(before, after, samples) : similarity(before, after, samples);
        }
    }

    /** The share of the labelled samples one model gets right. */
    static double accuracy(ModelSession session, SampleSet samples) throws OrtException {
        int[] labels = samples.labels();
        int right = 0;
        for (int s = 0; s < samples.size(); s++) {
            right += argmax(session.run(samples.samples().get(s)).values()) == labels[s] ? 1 : 0;
        }
        return (double) right / samples.size();
    }

    private static Quality.Accuracy accuracy(ModelSession before, ModelSession after, SampleSet samples)
            throws OrtException {
        return new Quality.Accuracy(accuracy(before, samples), accuracy(after, samples), samples.size());
    }

    private static Quality.Similarity similarity(ModelSession before, ModelSession after, SampleSet samples)
            throws OrtException {
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        for (Sample sample : samples.samples()) {
            double cosine = cosine(embedding(before.run(sample), sample), embedding(after.run(sample), sample));
            sum += cosine;
            min = Math.min(min, cosine);
        }
        return new Quality.Similarity(sum / samples.size(), min, samples.size());
    }

    /**
     * A sample's output as one vector: token outputs {@code [1, tokens, width]} are mean-pooled over the tokens the
     * attention mask keeps (how sentence-transformers make sentence embeddings); anything else is taken whole.
     */
    static float[] embedding(ModelSession.Output output, Sample sample) {
        long[] shape = output.shape();
        if (shape.length != 3 || shape[0] != 1) {
            return output.values();
        }
        int tokens = (int) shape[1];
        int width = (int) shape[2];
        long[] mask = sample.inputs().get(ATTENTION_MASK) instanceof InputTensor.Longs longs ? longs.values() : null;
        float[] pooled = new float[width];
        int kept = 0;
        for (int t = 0; t < tokens; t++) {
            if (mask != null && mask[t] == 0) {
                continue;
            }
            kept++;
            for (int k = 0; k < width; k++) {
                pooled[k] += output.values()[t * width + k];
            }
        }
        for (int k = 0; k < width; k++) {
            pooled[k] /= Math.max(1, kept);
        }
        return pooled;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int k = 0; k < a.length; k++) {
            dot += (double) a[k] * b[k];
            normA += (double) a[k] * a[k];
            normB += (double) b[k] * b[k];
        }
        return normA == 0 && normB == 0 ? 1 : dot / Math.sqrt(normA * normB);
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }
}

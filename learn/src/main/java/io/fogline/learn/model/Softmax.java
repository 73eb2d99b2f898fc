package io.fogline.learn.model;

/** Row-wise softmax, shifted by each row's maximum so that large logits cannot overflow. */
public final class Softmax {

    private Softmax() {}

    /** Writes {@code softmax(logits[r])} into {@code out[r]} for each of {@code rows} rows of {@code columns}. */
    public static void rows(float[] logits, float[] out, int rows, int columns) {
        for (int r = 0; r < rows; r++) {
            int offset = r * columns;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < columns; c++) {
                max = Math.max(max, logits[offset + c]);
            }
            float sum = 0;
            for (int c = 0; c < columns; c++) {
                float e = (float) Math.exp(logits[offset + c] - max);
                out[offset + c] = e;
                sum += e;
            }
            float inverse = 1f / sum;
            for (int c = 0; c < columns; c++) {
                out[offset + c] *= inverse;
            }
        }
    }
}

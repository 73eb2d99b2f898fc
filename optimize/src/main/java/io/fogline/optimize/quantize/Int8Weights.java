package io.fogline.optimize.quantize;

/**
 * A row-major {@code rows × columns} float matrix quantized symmetrically to int8: {@code w ≈ q · scale}, with one
 * scale per column (per output channel of a MatMul weight, per dimension of an embedding table) or one for all.
 * Symmetric quantization keeps every zero point at 0, which integer kernels handle fastest, and [-127, 127] keeps the
 * range balanced.
 *
 * @param values the quantized elements, row-major
 * @param scales one scale per column, or a single scale
 */
public record Int8Weights(byte[] values, float[] scales, int rows, int columns) {

    static final int LIMIT = 127;

    public static Int8Weights quantize(float[] weights, int rows, int columns, boolean perColumn) {
        if (weights.length != (long) rows * columns) {
            throw new IllegalArgumentException(weights.length + " weights are not " + rows + " × " + columns);
        }
        float[] scales = new float[perColumn ? columns : 1];
        float[] maxima = new float[scales.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                int s = perColumn ? c : 0;
                maxima[s] = Math.max(maxima[s], Math.abs(weights[r * columns + c]));
            }
        }
        for (int s = 0; s < scales.length; s++) {
            // An all-zero column quantizes to zeros under any scale; 1 keeps the dequantization finite.
            scales[s] = maxima[s] > 0 ? maxima[s] / LIMIT : 1f;
        }
        byte[] values = new byte[weights.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                float scale = scales[perColumn ? c : 0];
                int q = Math.round(weights[r * columns + c] / scale);
                values[r * columns + c] = (byte) Math.max(-LIMIT, Math.min(LIMIT, q));
            }
        }
        return new Int8Weights(values, scales, rows, columns);
    }

    public boolean perColumn() {
        return scales.length > 1;
    }

    public float scaleOf(int column) {
        return scales.length == 1 ? scales[0] : scales[column];
    }

    /** The float value element {@code (row, column)} stands for. */
    public float dequantized(int row, int column) {
        return values[row * columns + column] * scaleOf(column);
    }

    /** This matrix with every scale multiplied by {@code factor}: folds a constant multiplier into the weights. */
    public Int8Weights scaledBy(float factor) {
        float[] scaled = scales.clone();
        for (int s = 0; s < scaled.length; s++) {
            scaled[s] *= factor;
        }
        return new Int8Weights(values, scaled, rows, columns);
    }
}

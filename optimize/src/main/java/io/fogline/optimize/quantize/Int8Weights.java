package io.fogline.optimize.quantize;

/**
 * A row-major {@code rows × columns} float matrix quantized symmetrically to int8: {@code w ≈ q · scale}, with one
 * scale per channel or one for all. Channels are columns for MatMul weights and embedding tables (output features,
 * embedding dimensions) and rows for convolution kernels (output channels). Symmetric quantization keeps every zero
 * point at 0, which integer kernels handle fastest, and [-127, 127] keeps the range balanced.
 *
 * @param values the quantized elements, row-major
 * @param scales one scale per channel, or a single scale
 * @param channels which axis the scales run along
 */
public record Int8Weights(byte[] values, float[] scales, int rows, int columns, Channels channels) {

    static final int LIMIT = 127;

    public enum Channels {
        NONE,
        ROWS,
        COLUMNS
    }

    public static Int8Weights quantize(float[] weights, int rows, int columns, Channels channels) {
        if (weights.length != (long) rows * columns) {
            throw new IllegalArgumentException(weights.length + " weights are not " + rows + " × " + columns);
        }
        float[] scales = new float
                [switch (channels) {
                    case NONE -> 1;
                    case ROWS -> rows;
                    case COLUMNS -> columns;
                }];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                int s = channel(channels, r, c);
                scales[s] = Math.max(scales[s], Math.abs(weights[r * columns + c]));
            }
        }
        for (int s = 0; s < scales.length; s++) {
            // An all-zero channel quantizes to zeros under any scale; 1 keeps the dequantization finite.
            scales[s] = scales[s] > 0 ? scales[s] / LIMIT : 1f;
        }
        byte[] values = new byte[weights.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                int q = Math.round(weights[r * columns + c] / scales[channel(channels, r, c)]);
                values[r * columns + c] = (byte) Math.clamp(q, -LIMIT, LIMIT);
            }
        }
        return new Int8Weights(values, scales, rows, columns, channels);
    }

    public boolean perChannel() {
        return channels != Channels.NONE;
    }

    public float scaleOf(int row, int column) {
        return scales[channel(channels, row, column)];
    }

    /** The float value element {@code (row, column)} stands for. */
    public float dequantized(int row, int column) {
        return values[row * columns + column] * scaleOf(row, column);
    }

    /** This matrix with every scale multiplied by {@code factor}: folds a constant multiplier into the weights. */
    public Int8Weights scaledBy(float factor) {
        float[] scaled = scales.clone();
        for (int s = 0; s < scaled.length; s++) {
            scaled[s] *= factor;
        }
        return new Int8Weights(values, scaled, rows, columns, channels);
    }

    private static int channel(Channels channels, int row, int column) {
        return switch (channels) {
            case NONE -> 0;
            case ROWS -> row;
            case COLUMNS -> column;
        };
    }
}

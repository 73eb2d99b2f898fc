package io.fogline.optimize.quantize;

/**
 * A row-major {@code rows × columns} float matrix quantized symmetrically to int8: {@code w ≈ q · scale}, with one
 * scale per channel or one for all. Channels are columns for MatMul weights and embedding tables (output features,
 * embedding dimensions) and rows for convolution kernels (output channels). Symmetric quantization keeps every zero
 * point at 0, which integer kernels handle fastest, and a range symmetric about 0 keeps it balanced.
 *
 * @param values the quantized elements, row-major
 * @param scales one scale per channel, or a single scale
 * @param channels which axis the scales run along
 */
public record Int8Weights(byte[] values, float[] scales, int rows, int columns, Channels channels) {

    /** How many levels either side of 0 the weights may use. */
    public enum Range {
        /** [-127, 127], for weights that are only ever dequantized (embedding tables). */
        FULL(127),
        /**
         * [-63, 63], for weights multiplied with uint8 activations by integer kernels. On x86 CPUs without VNNI (AVX2,
         * AVX-512F) ONNX Runtime sums pairs of uint8 × int8 products in int16 (VPMADDUBSW): 2 · 255 · 127 overflows it
         * and the result saturates silently, while 2 · 255 · 63 fits. One bit of weight precision is the price of a model
         * that gives the same answers on every CPU it is sent to (ONNX Runtime's own tool calls this reduce_range).
         */
        INTEGER_PRODUCT(63);

        final int limit;

        Range(int limit) {
            this.limit = limit;
        }
    }

    public enum Channels {
        NONE,
        ROWS,
        COLUMNS
    }

    public static Int8Weights quantize(float[] weights, int rows, int columns, Channels channels, Range range) {
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
            scales[s] = scales[s] > 0 ? scales[s] / range.limit : 1f;
        }
        byte[] values = new byte[weights.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                int q = Math.round(weights[r * columns + c] / scales[channel(channels, r, c)]);
                values[r * columns + c] = (byte) Math.clamp(q, -range.limit, range.limit);
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

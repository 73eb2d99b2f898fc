package io.fogline.federated;

/**
 * Walks an update set in slices of coordinates: each slice is read as a matrix of every update's values there, so the
 * memory of a coordinate-wise aggregator is bounded by {@link #BUDGET_FLOATS}, whatever the number of updates.
 */
final class CoordinateChunks {

    /** Floats in one slice: 4 MiB, enough for long reads and far below any heap a control plane runs with. */
    static final int BUDGET_FLOATS = 1 << 20;

    @FunctionalInterface
    interface ChunkVisitor {
        /**
         * @param values update {@code i}'s coordinate {@code from + j} at {@code values[i * width + j]}
         */
        void visit(int from, int width, float[] values);
    }

    private CoordinateChunks() {}

    static int width(UpdateSet updates) {
        return Math.max(1, Math.min(updates.dimension(), BUDGET_FLOATS / Math.max(1, updates.size())));
    }

    static void forEach(UpdateSet updates, ChunkVisitor visitor) {
        int n = updates.size();
        int width = width(updates);
        float[] values = new float[n * width];
        for (int from = 0; from < updates.dimension(); from += width) {
            int w = Math.min(width, updates.dimension() - from);
            for (int i = 0; i < n; i++) {
                updates.read(i, from, w, values, i * w);
            }
            visitor.visit(from, w, values);
        }
    }

    /** Reduces every coordinate's values, one from each update, to one value. */
    @FunctionalInterface
    interface ColumnReducer {
        /** @param column the coordinate's value in each update, which the reducer may reorder */
        float reduce(float[] column);
    }

    /** The vector of every coordinate's {@code reducer} result, read slice by slice. */
    static float[] columnwise(UpdateSet updates, ColumnReducer reducer) {
        int n = updates.size();
        float[] result = new float[updates.dimension()];
        float[] column = new float[n];
        forEach(updates, (from, width, values) -> {
            for (int j = 0; j < width; j++) {
                for (int i = 0; i < n; i++) {
                    column[i] = values[i * width + j];
                }
                result[from + j] = reducer.reduce(column);
            }
        });
        return result;
    }

    /** The L2 norm of every update, in one pass. */
    static double[] norms(UpdateSet updates) {
        double[] squares = new double[updates.size()];
        forEach(updates, (from, width, values) -> {
            for (int i = 0; i < squares.length; i++) {
                double sum = 0;
                for (int j = i * width; j < (i + 1) * width; j++) {
                    sum += (double) values[j] * values[j];
                }
                squares[i] += sum;
            }
        });
        for (int i = 0; i < squares.length; i++) {
            squares[i] = Math.sqrt(squares[i]);
        }
        return squares;
    }
}

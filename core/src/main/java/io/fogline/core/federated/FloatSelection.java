package io.fogline.core.federated;

/**
 * Order statistics of float arrays in linear expected time (Hoare's quickselect with a median-of-three pivot), for the
 * top-k encoding and the coordinate-wise robust aggregators. NaN must not be present: it has no place in an order.
 */
public final class FloatSelection {

    private FloatSelection() {}

    /**
     * The {@code k}-th smallest value (from 0) of {@code values[from, to)}. Reorders that range so that every value
     * before position {@code from + k} is no larger and every value after it no smaller.
     */
    public static float select(float[] values, int from, int to, int k) {
        if (k < 0 || k >= to - from) {
            throw new IllegalArgumentException("rank " + k + " is outside a range of " + (to - from));
        }
        int target = from + k;
        int low = from;
        int high = to - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            float pivot = medianOfThree(values[low], values[middle], values[high]);
            int i = low;
            int j = high;
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float swap = values[i];
                    values[i] = values[j];
                    values[j] = swap;
                    i++;
                    j--;
                }
            }
            if (target <= j) {
                high = j;
            } else if (target >= i) {
                low = i;
            } else {
                return values[target];
            }
        }
        return values[target];
    }

    private static float medianOfThree(float a, float b, float c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}

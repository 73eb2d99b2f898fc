package io.fogline.core.tensor;

import java.util.Arrays;

/** Arithmetic on tensor shapes, where -1 stands for a dimension of any size. */
public final class Shapes {

    private Shapes() {}

    /** The number of elements, or -1 when a dimension is dynamic or the product overflows. */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                return -1;
            }
            count = dim == 0 ? 0 : (count > Long.MAX_VALUE / dim ? -1 : count * dim);
            if (count < 0) {
                return -1;
            }
        }
        return count;
    }

    /** Whether a concrete shape fits a declared one whose dynamic dimensions are -1. */
    public static boolean matches(long[] declared, long[] actual) {
        if (declared.length != actual.length) {
            return false;
        }
        for (int i = 0; i < declared.length; i++) {
            if (declared[i] >= 0 && declared[i] != actual[i]) {
                return false;
            }
        }
        return true;
    }

    public static String format(long[] shape) {
        return Arrays.toString(shape).replace(" ", "");
    }
}

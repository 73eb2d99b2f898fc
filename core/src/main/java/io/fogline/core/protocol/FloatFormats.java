package io.fogline.core.protocol;

/** Conversions for the 16-bit float formats that Java has no type for. */
final class FloatFormats {

    private FloatFormats() {}

    /** Rounds to the nearest bfloat16, ties to even, keeping NaN a NaN. */
    static short floatToBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** Rounds to the nearest float16, ties to even, keeping NaN a NaN. */
    static short doubleToFloat16(double value) {
        return Float.floatToFloat16(toFloatRoundingToOdd(value));
    }

    /** Rounds to the nearest bfloat16, ties to even, keeping NaN a NaN. */
    static short doubleToBfloat16(double value) {
        return floatToBfloat16(toFloatRoundingToOdd(value));
    }

    /**
     * Narrows a double to a float for a second rounding to a 16-bit format. Rounding to the nearest float first
     * would round twice: a double just past the midpoint of two 16-bit values can land on that midpoint as a float,
     * whose tie then goes to the even neighbour, the wrong one. Rounding toward zero and setting the lowest bit when
     * the result is inexact ("round to odd") keeps that information, and a float has more than the two extra bits of
     * precision this needs, so the second rounding gives what rounding the double directly would.
     */
    private static float toFloatRoundingToOdd(double value) {
        float nearest = (float) value;
        if (nearest == value || Double.isNaN(value)) {
            return nearest;
        }
        int bits = Float.floatToRawIntBits(nearest);
        if (Math.abs((double) nearest) > Math.abs(value)) {
            // Rounded away from zero (possibly to infinity): the float bit patterns of one sign are ordered by
            // magnitude, so one pattern down is the float below in magnitude.
            bits--;
        }
        return Float.intBitsToFloat(bits | 1);
    }

    static float bfloat16ToFloat(short value) {
        return Float.intBitsToFloat((value & 0xFFFF) << 16);
    }
}

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

    static float bfloat16ToFloat(short value) {
        return Float.intBitsToFloat((value & 0xFFFF) << 16);
    }
}

package io.fogline.core.federated;

import java.util.Locale;

/**
 * How an update's delta travels: in full, quantized to 8 bits, or as its largest coordinates only. Written as text in
 * round configurations and on the command line: {@code fp32}, {@code int8}, {@code int8:128}, {@code topk:0.01}.
 */
public sealed interface UpdateEncoding {

    /** The tag of the encoding in an update body. */
    int tag();

    /** Four bytes per coordinate, exact. */
    record Fp32() implements UpdateEncoding {
        @Override
        public int tag() {
            return 0;
        }

        @Override
        public String toString() {
            return "fp32";
        }
    }

    /**
     * One byte per coordinate plus a four-byte scale per block: each block of {@code blockSize} coordinates is scaled
     * so that its largest magnitude maps to 127 and rounded to the nearest step, so the error of a coordinate is at most
     * half a step, {@code max|block| / 254}.
     */
    record Int8(int blockSize) implements UpdateEncoding {

        public static final int DEFAULT_BLOCK = 256;
        public static final int MAX_BLOCK = 1 << 16;

        public Int8 {
            if (blockSize < 1 || blockSize > MAX_BLOCK) {
                throw new IllegalArgumentException(
                        "an INT8 block holds 1 to " + MAX_BLOCK + " coordinates, not " + blockSize);
            }
        }

        @Override
        public int tag() {
            return 1;
        }

        @Override
        public String toString() {
            return blockSize == DEFAULT_BLOCK ? "int8" : "int8:" + blockSize;
        }
    }

    /**
     * The {@code fraction} of coordinates with the largest magnitudes (at least one), each as its index and its FP32
     * value; the rest count as zero. Clients keep what they left out and add it to their next update (error feedback),
     * so nothing is lost for good.
     */
    record TopK(double fraction) implements UpdateEncoding {

        public TopK {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException(
                        "top-k keeps a fraction in (0, 1] of the coordinates, not " + fraction);
            }
        }

        /** How many coordinates of a delta of {@code dimension} travel. */
        public int kept(int dimension) {
            return (int) Math.min(dimension, Math.max(1, Math.ceil(fraction * dimension)));
        }

        @Override
        public int tag() {
            return 2;
        }

        @Override
        public String toString() {
            return "topk:" + fraction;
        }
    }

    static UpdateEncoding fp32() {
        return new Fp32();
    }

    static UpdateEncoding int8() {
        return new Int8(Int8.DEFAULT_BLOCK);
    }

    /** Reads {@code fp32}, {@code int8}, {@code int8:BLOCK} or {@code topk:FRACTION}. */
    static UpdateEncoding parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
        try {
            switch (parts[0]) {
                case "fp32":
                    if (parts.length == 1) {
                        return fp32();
                    }
                    break;
                case "int8":
                    if (parts.length == 1) {
                        return int8();
                    }
                    if (parts.length == 2) {
                        return new Int8(Integer.parseInt(parts[1]));
                    }
                    break;
                case "topk":
                    if (parts.length == 2) {
                        return new TopK(Double.parseDouble(parts[1]));
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            // Falls through to the message that shows the accepted forms.
        }
        throw new IllegalArgumentException(
                "unknown update encoding '" + text + "': expected fp32, int8[:BLOCK] or topk:FRACTION, e.g. topk:0.01");
    }
}

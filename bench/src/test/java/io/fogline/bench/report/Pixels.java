package io.fogline.bench.report;

import java.awt.Color;
import java.awt.image.BufferedImage;

/** What a drawn figure holds, for tests that check a chart drew what it should. */
public final class Pixels {

    private Pixels() {}

    /** How many pixels of {@code image} are exactly {@code colour}. */
    public static long of(BufferedImage image, Color colour) {
        long count = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                count += image.getRGB(x, y) == colour.getRGB() ? 1 : 0;
            }
        }
        return count;
    }
}

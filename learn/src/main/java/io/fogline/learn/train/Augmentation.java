package io.fogline.learn.train;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random changes to training images that keep their class, drawn anew for every example of every epoch: a shift by
 * up to {@code maxShift} pixels in each direction (the uncovered border filled with zeros, the background of
 * Fashion-MNIST) and, when {@code mirror} is set, a left-right mirror image half of the time.
 *
 * @param maxShift the largest shift, in pixels, along each axis
 * @param mirror whether to mirror half of the images left to right
 */
public record Augmentation(int maxShift, boolean mirror) {

    public static final Augmentation NONE = new Augmentation(0, false);

    public Augmentation {
        if (maxShift < 0) {
            throw new IllegalArgumentException("a shift must not be negative, not " + maxShift);
        }
    }

    /** Parses the command line's form: {@code none}, or {@code shift=N}, {@code mirror} or both joined by a comma. */
    public static Augmentation parse(String text) {
        if (text.equals("none")) {
            return NONE;
        }
        int shift = 0;
        boolean mirror = false;
        for (String part : text.split(",", -1)) {
            if (part.equals("mirror")) {
                mirror = true;
            } else if (part.matches("shift=[0-9]{1,2}")) {
                shift = Integer.parseInt(part.substring("shift=".length()));
            } else {
                throw new IllegalArgumentException(
                        "unknown augmentation '" + text + "': expected none, shift=N, mirror or shift=N,mirror");
            }
        }
        return new Augmentation(shift, mirror);
    }

    /** The command line's form, as {@link #parse} reads it. */
    @Override
    public String toString() {
        if (isNone()) {
            return "none";
        }
        String shift = maxShift > 0 ? "shift=" + maxShift : "";
        return mirror ? (shift.isEmpty() ? "mirror" : shift + ",mirror") : shift;
    }

    public boolean isNone() {
        return maxShift == 0 && !mirror;
    }

    /**
     * Changes one example in place.
     *
     * @param shape {@code [channels, height, width]}
     * @param scratch at least one example's room
     */
    void apply(float[] features, int offset, int[] shape, SplittableRandom random, float[] scratch) {
        int channels = shape[0];
        int height = shape[1];
        int width = shape[2];
        int dy = maxShift == 0 ? 0 : random.nextInt(-maxShift, maxShift + 1);
        int dx = maxShift == 0 ? 0 : random.nextInt(-maxShift, maxShift + 1);
        boolean flip = mirror && random.nextBoolean();
        if (dy == 0 && dx == 0 && !flip) {
            return;
        }
        int size = channels * height * width;
        System.arraycopy(features, offset, scratch, 0, size);
        Arrays.fill(features, offset, offset + size, 0f);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int sourceY = y - dy;
                if (sourceY < 0 || sourceY >= height) {
                    continue;
                }
                for (int x = 0; x < width; x++) {
                    int shiftedX = x - dx;
                    int sourceX = flip ? width - 1 - shiftedX : shiftedX;
                    if (sourceX >= 0 && sourceX < width) {
                        features[offset + (c * height + y) * width + x] =
                                scratch[(c * height + sourceY) * width + sourceX];
                    }
                }
            }
        }
    }
}

package io.fogline.learn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static final int[] SHAPE = {1, 3, 4};

    @Test
    void shiftsAndMirrorsAnImageFillingTheBorderWithZeros() {
        float[] image = {
            1, 2, 3, 4,
            5, 6, 7, 8,
            9, 10, 11, 12
        };
        boolean sawShift = false;
        boolean sawMirror = false;
        SplittableRandom random = new SplittableRandom(1);
        for (int trial = 0; trial < 200; trial++) {
            float[] copy = image.clone();
            new Augmentation(1, true).apply(copy, 0, SHAPE, random, new float[12]);
            // Every kept pixel is one of the original's, in its row order or mirrored, shifted by at most one.
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 4; x++) {
                    float value = copy[y * 4 + x];
                    if (value == 0) {
                        continue;
                    }
                    int sourceY = (int) (value - 1) / 4;
                    int sourceX = (int) (value - 1) % 4;
                    assertThat(Math.abs(sourceY - y)).isLessThanOrEqualTo(1);
                    assertThat(Math.min(Math.abs(sourceX - x), Math.abs(3 - sourceX - x)))
                            .isLessThanOrEqualTo(1);
                }
            }
            sawShift |= copy[0] == 0 || copy[11] == 0;
            sawMirror |= copy[5] == 7 && copy[6] == 6;
        }
        assertThat(sawShift).isTrue();
        assertThat(sawMirror).isTrue();
    }

    @Test
    void aMirrorWithoutShiftKeepsEveryPixel() {
        float[] image = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        float[] copy = image.clone();
        SplittableRandom random = new SplittableRandom(3);
        while (copy[0] == 1) {
            new Augmentation(0, true).apply(copy, 0, SHAPE, random, new float[12]);
        }

        assertThat(copy).containsExactly(4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9);
    }

    @Test
    void parsesTheCommandLineForm() {
        assertThat(Augmentation.parse("none")).isEqualTo(Augmentation.NONE);
        assertThat(Augmentation.parse("shift=2,mirror")).isEqualTo(new Augmentation(2, true));
        assertThat(Augmentation.parse("mirror")).isEqualTo(new Augmentation(0, true));
        assertThatThrownBy(() -> Augmentation.parse("rotate"))
                .hasMessage("unknown augmentation 'rotate': expected none, shift=N, mirror or shift=N,mirror");
    }
}

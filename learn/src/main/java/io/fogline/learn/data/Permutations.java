package io.fogline.learn.data;

import java.util.SplittableRandom;

/** Seeded shuffles, so that every split, partition and epoch order can be reproduced from its seed. */
public final class Permutations {

    private Permutations() {}

    /** 0, 1, ..., size - 1 in an order drawn from {@code random}. */
    public static int[] shuffled(int size, SplittableRandom random) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        shuffle(order, random);
        return order;
    }

    /** Fisher–Yates, in place. */
    public static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }
}

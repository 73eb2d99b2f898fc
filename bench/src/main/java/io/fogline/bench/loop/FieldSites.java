package io.fogline.bench.loop;

import io.fogline.learn.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The inputs the sites see: a pool of Fashion-MNIST images no model was trained on, split by class, and per site a mix
 * shifted from the lab's. The lab trained the edge model mostly on classes 0 to 4; site {@code i} sees 70% of its
 * images from its two home classes among 5 to 9 and one home class among 0 to 4, the rest from all ten. The two
 * phases draw different images, so the figures after the federated job are on inputs no round trained on, of the same
 * classes in the same order: Fashion-MNIST's classes differ widely in difficulty (shirts are right half as often as
 * trousers), and two independent draws of a few hundred differed by 2 to 5 points of the parent's own accuracy.
 */
final class FieldSites {

    static final int CLASSES = 10;
    private static final double HOME_SHARE = 0.7;

    /**
     * Image indices into the pool, per class, for each phase: alternate images of the class, so that neither phase
     * gets a stretch of the pool the other lacks (with the first half before and the second after, the parent alone
     * was right 1.8 to 3.8 points less often after).
     */
    private final List<List<Integer>> before = new ArrayList<>();

    private final List<List<Integer>> after = new ArrayList<>();

    FieldSites(Dataset pool) {
        for (int c = 0; c < CLASSES; c++) {
            int label = c;
            List<Integer> ofClass = IntStream.range(0, pool.size())
                    .filter(i -> pool.labels()[i] == label)
                    .boxed()
                    .toList();
            before.add(IntStream.range(0, ofClass.size())
                    .filter(k -> k % 2 == 0)
                    .mapToObj(ofClass::get)
                    .toList());
            after.add(IntStream.range(0, ofClass.size())
                    .filter(k -> k % 2 == 1)
                    .mapToObj(ofClass::get)
                    .toList());
        }
    }

    static int[] homeClasses(int site) {
        return new int[] {5 + site % 5, 5 + (site + 1) % 5, site % 5};
    }

    /** {@code count} pool indices for {@code site} in a phase, drawn from its mix. */
    int[] draw(int site, boolean afterPhase, int count, long seed) {
        Random classes = new Random(seed * 31 + site * 7L);
        Random pick = new Random(seed * 31 + site * 7L + (afterPhase ? 2 : 1));
        List<List<Integer>> byClass = afterPhase ? after : before;
        int[] home = homeClasses(site);
        int[] drawn = new int[count];
        for (int k = 0; k < count; k++) {
            int label =
                    classes.nextDouble() < HOME_SHARE ? home[classes.nextInt(home.length)] : classes.nextInt(CLASSES);
            List<Integer> images = byClass.get(label);
            drawn[k] = images.get(pick.nextInt(images.size()));
        }
        return drawn;
    }
}

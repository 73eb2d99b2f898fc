package io.fogline.node.labels;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Writes answers and ground truth into a label store without end (ids and times apart per {@code run}), for {@link LabelStoreKillTest} to kill. */
public final class LabelWriterMain {

    private LabelWriterMain() {}

    public static void main(String[] args) {
        LabelStore store = LabelStore.open(
                new LabelStore.Options(Path.of(args[0]), Integer.parseInt(args[1]), Duration.ofHours(1)));
        String run = args[2];
        for (long i = 0; ; i++) {
            long at = Long.parseLong(run) * 1_000_000_000L + i * 10;
            store.remember(List.of(
                    LabelStoreTest.answer("p" + run + "-" + i, 0, at, (int) (i % 10), Double.NaN),
                    LabelStoreTest.answer("p" + run + "-" + i, 1, at, (int) (i % 7), Double.NaN),
                    LabelStoreTest.answer("t" + run + "-" + i, 0, at, 3, 0.9)));
            if (i > 0) {
                store.label("fashion", "p" + run + "-" + (i - 1), new int[] {1, 2}, at);
            }
            if (i % 50 == 0) {
                store.expire(at);
                System.out.println("written " + i);
                System.out.flush();
            }
        }
    }
}

package io.fogline.learn.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PartitionsTest {

    @Property(tries = 100)
    void iidSharesAreDisjointCoveringAndNearEqual(
            @ForAll @IntRange(min = 0, max = 2_000) int examples,
            @ForAll @IntRange(min = 1, max = 50) int clients,
            @ForAll long seed) {
        int[][] parts = Partitions.iid(examples, clients, seed);

        assertDisjointCover(parts, examples);
        int smallest = Arrays.stream(parts).mapToInt(p -> p.length).min().orElseThrow();
        int largest = Arrays.stream(parts).mapToInt(p -> p.length).max().orElseThrow();
        assertThat(largest - smallest).isLessThanOrEqualTo(1);
    }

    @Property(tries = 100)
    void labelShardsAreDisjointCoveringAndFewLabelsEach(
            @ForAll @IntRange(min = 100, max = 3_000) int examples,
            @ForAll @IntRange(min = 1, max = 20) int clients,
            @ForAll @IntRange(min = 1, max = 3) int shardsPerClient,
            @ForAll long seed) {
        int[] labels = randomLabels(examples, 10, seed);

        int[][] parts = Partitions.labelShards(labels, clients, shardsPerClient, seed);

        assertDisjointCover(parts, examples);
        int largestShard = (examples + clients * shardsPerClient - 1) / (clients * shardsPerClient);
        if (largestShard > smallestClass(labels)) {
            return;
        }
        for (int[] part : parts) {
            // A run of label-sorted examples no longer than any class straddles at most two labels.
            assertThat(distinctLabels(part, labels)).isLessThanOrEqualTo(2 * shardsPerClient);
        }
    }

    @Property(tries = 100)
    void labelsPerClientGivesEachClientExactlyItsClasses(
            @ForAll @IntRange(min = 200, max = 3_000) int examples,
            @ForAll @IntRange(min = 10, max = 30) int clients,
            @ForAll @IntRange(min = 1, max = 10) int classesPerClient,
            @ForAll long seed) {
        int[] labels = randomLabels(examples, 10, seed);

        int[][] parts = Partitions.labelsPerClient(labels, 10, clients, classesPerClient, seed);

        // Ten or more clients own every class between them, so every example is dealt once.
        assertDisjointCover(parts, examples);
        for (int c = 0; c < clients; c++) {
            assertThat(distinctLabels(parts[c], labels)).isLessThanOrEqualTo(classesPerClient);
        }
    }

    @Property(tries = 100)
    void dirichletPartsAreDisjointAndCovering(
            @ForAll @IntRange(min = 0, max = 3_000) int examples,
            @ForAll @IntRange(min = 1, max = 30) int clients,
            @ForAll @DoubleRange(min = 0.01, max = 100) double alpha,
            @ForAll long seed) {
        int[] labels = randomLabels(examples, 10, seed);

        assertDisjointCover(Partitions.dirichlet(labels, 10, clients, alpha, seed), examples);
    }

    @Test
    void smallDirichletAlphaSkewsClientsTowardsFewClasses() {
        int[] labels = randomLabels(20_000, 10, 1);

        double skewed = meanDominantShare(Partitions.dirichlet(labels, 10, 20, 0.1, 3), labels);
        double even = meanDominantShare(Partitions.dirichlet(labels, 10, 20, 100, 3), labels);

        assertThat(skewed).isGreaterThan(0.5);
        assertThat(even).isLessThan(0.2);
    }

    @Test
    void theSameSeedGivesTheSamePartition() {
        int[] labels = randomLabels(1_000, 10, 5);

        assertThat(Partitions.dirichlet(labels, 10, 7, 0.5, 11))
                .isDeepEqualTo(Partitions.dirichlet(labels, 10, 7, 0.5, 11));
        assertThat(Partitions.labelShards(labels, 7, 2, 11)).isDeepEqualTo(Partitions.labelShards(labels, 7, 2, 11));
    }

    private static void assertDisjointCover(int[][] parts, int examples) {
        int[] all = Arrays.stream(parts).flatMapToInt(Arrays::stream).sorted().toArray();
        int[] expected = new int[examples];
        Arrays.setAll(expected, i -> i);
        assertThat(all).containsExactly(expected);
    }

    private static int[] randomLabels(int count, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] labels = new int[count];
        Arrays.setAll(labels, i -> random.nextInt(classes));
        return labels;
    }

    private static int smallestClass(int[] labels) {
        int[] counts = new int[10];
        for (int label : labels) {
            counts[label]++;
        }
        return Arrays.stream(counts).min().orElseThrow();
    }

    private static long distinctLabels(int[] part, int[] labels) {
        return Arrays.stream(part).map(i -> labels[i]).distinct().count();
    }

    /** The mean over non-empty clients of the share their most frequent class has of their examples. */
    private static double meanDominantShare(int[][] parts, int[] labels) {
        return Arrays.stream(parts)
                .filter(part -> part.length > 0)
                .mapToDouble(part -> {
                    int[] counts = new int[10];
                    for (int i : part) {
                        counts[labels[i]]++;
                    }
                    return (double) Arrays.stream(counts).max().orElseThrow() / part.length;
                })
                .average()
                .orElseThrow();
    }
}

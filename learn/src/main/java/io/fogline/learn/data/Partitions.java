package io.fogline.learn.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Splits a dataset's example indices among federated clients. Every partition is disjoint and covers every example;
 * each client's indices are returned in ascending order.
 */
public final class Partitions {

    private Partitions() {}

    /** Independent and identically distributed: a random deal of near-equal shares. */
    public static int[][] iid(int exampleCount, int clients, long seed) {
        requirePositive(clients, "clients");
        int[] order = Permutations.shuffled(exampleCount, new SplittableRandom(seed));
        int[][] parts = new int[clients][];
        for (int c = 0; c < clients; c++) {
            parts[c] = Arrays.copyOfRange(order, share(exampleCount, clients, c), share(exampleCount, clients, c + 1));
        }
        return sortedEach(parts);
    }

    /**
     * The label-sorted shards of McMahan et al. (2017): examples sorted by label are cut into {@code clients ×
     * shardsPerClient} contiguous shards and each client gets {@code shardsPerClient} of them at random, so most clients
     * see only a few classes.
     */
    public static int[][] labelShards(int[] labels, int clients, int shardsPerClient, long seed) {
        requirePositive(clients, "clients");
        requirePositive(shardsPerClient, "shards per client");
        SplittableRandom random = new SplittableRandom(seed);
        int[] byLabel = Permutations.shuffled(labels.length, random);
        byLabel = Arrays.stream(byLabel)
                .boxed()
                .sorted((a, b) -> Integer.compare(labels[a], labels[b]))
                .mapToInt(Integer::intValue)
                .toArray();
        int shardCount = clients * shardsPerClient;
        int[] shardOrder = Permutations.shuffled(shardCount, random);
        int[][] parts = new int[clients][];
        for (int c = 0; c < clients; c++) {
            List<int[]> shards = new ArrayList<>();
            for (int s = 0; s < shardsPerClient; s++) {
                int shard = shardOrder[c * shardsPerClient + s];
                shards.add(Arrays.copyOfRange(
                        byLabel, share(labels.length, shardCount, shard), share(labels.length, shardCount, shard + 1)));
            }
            parts[c] = shards.stream().flatMapToInt(Arrays::stream).toArray();
        }
        return sortedEach(parts);
    }

    /**
     * NIID-Bench's quantity-based label skew, #C=k (Li et al., 2022): client {@code i} owns class {@code i mod classes}
     * and {@code k − 1} other classes drawn at random, all distinct; each class's examples are dealt at random in
     * near-equal shares to the clients that own it. A class no client owns is left out.
     */
    public static int[][] labelsPerClient(int[] labels, int classCount, int clients, int classesPerClient, long seed) {
        requirePositive(clients, "clients");
        if (classesPerClient < 1 || classesPerClient > classCount) {
            throw new IllegalArgumentException(
                    "classes per client must be in 1.." + classCount + ", not " + classesPerClient);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<List<Integer>> owners = new ArrayList<>();
        for (int label = 0; label < classCount; label++) {
            owners.add(new ArrayList<>());
        }
        for (int c = 0; c < clients; c++) {
            boolean[] owned = new boolean[classCount];
            owned[c % classCount] = true;
            owners.get(c % classCount).add(c);
            for (int more = 1; more < classesPerClient; ) {
                int label = random.nextInt(classCount);
                if (!owned[label]) {
                    owned[label] = true;
                    owners.get(label).add(c);
                    more++;
                }
            }
        }
        List<List<int[]>> pieces = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            pieces.add(new ArrayList<>());
        }
        for (int label = 0; label < classCount; label++) {
            List<Integer> holders = owners.get(label);
            if (holders.isEmpty()) {
                continue;
            }
            int[] members = membersOf(labels, label);
            Permutations.shuffle(members, random);
            for (int h = 0; h < holders.size(); h++) {
                pieces.get(holders.get(h))
                        .add(Arrays.copyOfRange(
                                members,
                                share(members.length, holders.size(), h),
                                share(members.length, holders.size(), h + 1)));
            }
        }
        int[][] parts = new int[clients][];
        for (int c = 0; c < clients; c++) {
            parts[c] = pieces.get(c).stream().flatMapToInt(Arrays::stream).toArray();
        }
        return sortedEach(parts);
    }

    /**
     * Each class's examples are spread over the clients in proportions drawn from a symmetric Dirichlet distribution
     * (Hsu et al., 2019): a small {@code alpha} (0.1) gives each client a few dominant classes, a large one (100) comes
     * close to IID.
     */
    public static int[][] dirichlet(int[] labels, int classCount, int clients, double alpha, long seed) {
        requirePositive(clients, "clients");
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("Dirichlet alpha must be positive, not " + alpha);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<List<int[]>> pieces = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            pieces.add(new ArrayList<>());
        }
        for (int label = 0; label < classCount; label++) {
            int[] members = membersOf(labels, label);
            Permutations.shuffle(members, random);
            double[] proportions = Dirichlet.sample(clients, alpha, random);
            double cumulative = 0;
            int start = 0;
            for (int c = 0; c < clients; c++) {
                cumulative += proportions[c];
                int end = c == clients - 1 ? members.length : (int) Math.round(cumulative * members.length);
                end = Math.max(start, Math.min(end, members.length));
                pieces.get(c).add(Arrays.copyOfRange(members, start, end));
                start = end;
            }
        }
        int[][] parts = new int[clients][];
        for (int c = 0; c < clients; c++) {
            parts[c] = pieces.get(c).stream().flatMapToInt(Arrays::stream).toArray();
        }
        return sortedEach(parts);
    }

    private static int[] membersOf(int[] labels, int label) {
        return IntStream.range(0, labels.length).filter(i -> labels[i] == label).toArray();
    }

    /** Where part {@code k} of {@code parts} near-equal parts of {@code total} begins. */
    private static int share(int total, int parts, int k) {
        return (int) ((long) total * k / parts);
    }

    private static int[][] sortedEach(int[][] parts) {
        for (int[] part : parts) {
            Arrays.sort(part);
        }
        return parts;
    }

    private static void requirePositive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, not " + value);
        }
    }
}

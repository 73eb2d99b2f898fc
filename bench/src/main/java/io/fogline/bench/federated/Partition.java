package io.fogline.bench.federated;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.Partitions;
import java.util.Locale;

/**
 * How the training set is dealt to the clients: {@code iid}, {@code dirichlet:ALPHA} (label proportions per client
 * drawn from Dirichlet(α)), {@code classes:K} (NIID-Bench's #C=K: K distinct classes per client) or {@code shards:K}
 * (McMahan et al.'s K label-sorted shards per client).
 */
record Partition(String kind, double parameter) {

    static Partition parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
        try {
            if (parts[0].equals("iid") && parts.length == 1) {
                return new Partition("iid", 0);
            }
            if (parts[0].equals("dirichlet") && parts.length == 2 && Double.parseDouble(parts[1]) > 0) {
                return new Partition("dirichlet", Double.parseDouble(parts[1]));
            }
            if (parts[0].equals("shards") && parts.length == 2 && Integer.parseInt(parts[1]) > 0) {
                return new Partition("shards", Integer.parseInt(parts[1]));
            }
            if (parts[0].equals("classes") && parts.length == 2 && Integer.parseInt(parts[1]) > 0) {
                return new Partition("classes", Integer.parseInt(parts[1]));
            }
        } catch (NumberFormatException e) {
            // Falls through to the message that shows the accepted forms.
        }
        throw new IllegalArgumentException("unknown partition '" + text
                + "': expected iid, dirichlet:ALPHA (e.g. dirichlet:0.5), classes:K or shards:K");
    }

    int[][] split(Dataset train, int clients, long seed) {
        return switch (kind) {
            case "iid" -> Partitions.iid(train.size(), clients, seed);
            case "dirichlet" -> Partitions.dirichlet(train.labels(), train.classCount(), clients, parameter, seed);
            case "classes" ->
                Partitions.labelsPerClient(train.labels(), train.classCount(), clients, (int) parameter, seed);
            default -> Partitions.labelShards(train.labels(), clients, (int) parameter, seed);
        };
    }

    /** As the report names it: IID, Dirichlet(0.5), #C=2, 2 shards each. */
    String label() {
        return switch (kind) {
            case "iid" -> "IID";
            case "dirichlet" -> "Dirichlet(" + format(parameter) + ")";
            case "classes" -> "#C=" + (int) parameter;
            default -> (int) parameter + " label shards each";
        };
    }

    @Override
    public String toString() {
        return kind.equals("iid") ? kind : kind + ":" + format(parameter);
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}

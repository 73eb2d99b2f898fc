package io.fogline.federated;

import java.util.Locale;

/**
 * How a round's updates become one: the weighted mean, or a rule that a minority of bad updates cannot drag far. Every
 * rule reads its updates through an {@link UpdateSet}, so its memory is bounded whatever the number of clients. Written
 * as text in job configurations and on the command line: {@code fedavg}, {@code median}, {@code trimmed-mean:0.2},
 * {@code krum:2}, {@code multi-krum:2:5}.
 */
public sealed interface AggregationRule permits FedAvg, CoordinateMedian, TrimmedMean, Krum {

    /** The aggregated delta. */
    float[] aggregate(UpdateSet updates);

    /** Reads a rule written as {@link #toString()} writes it. */
    static AggregationRule parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
        try {
            switch (parts[0]) {
                case "fedavg":
                    if (parts.length == 1) {
                        return new FedAvg();
                    }
                    break;
                case "median":
                    if (parts.length == 1) {
                        return new CoordinateMedian();
                    }
                    break;
                case "trimmed-mean":
                    if (parts.length <= 2) {
                        return new TrimmedMean(parts.length == 1 ? 0.1 : Double.parseDouble(parts[1]));
                    }
                    break;
                case "krum":
                    if (parts.length == 2) {
                        return new Krum(Integer.parseInt(parts[1]), 1);
                    }
                    break;
                case "multi-krum":
                    if (parts.length == 3) {
                        return new Krum(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            // Falls through to the message that shows the accepted forms.
        }
        throw new IllegalArgumentException(
                "unknown aggregation rule '" + text + "': expected fedavg, median,"
                        + " trimmed-mean[:BETA], krum:F or multi-krum:F:M (F: Byzantine clients tolerated, M: updates averaged)");
    }

    static void requireUpdates(UpdateSet updates) {
        if (updates.size() == 0) {
            throw new IllegalArgumentException("there are no updates to aggregate");
        }
    }
}

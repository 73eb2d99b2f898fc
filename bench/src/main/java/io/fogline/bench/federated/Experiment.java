package io.fogline.bench.federated;

import io.fogline.core.federated.UpdateEncoding;

/**
 * One federated run: how the data is split, who attacks and how, how the server aggregates and how updates travel.
 *
 * @param scenario the group the run is drawn and tabled with, e.g. "IID" or "sign flipping, 20%"
 * @param attackFraction the share of clients that attack, chosen at random from the run's seed
 */
record Experiment(
        String scenario,
        Partition partition,
        Attack attack,
        double attackFraction,
        Strategy strategy,
        UpdateEncoding encoding) {

    /** The run's name in tables and on the chart within its scenario. */
    String label() {
        String encodingText = encoding instanceof UpdateEncoding.Fp32 ? "" : ", " + encoding;
        return strategy + encodingText;
    }
}

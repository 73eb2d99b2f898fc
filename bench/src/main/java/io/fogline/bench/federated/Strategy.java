package io.fogline.bench.federated;

import io.fogline.federated.AggregationPlan;
import io.fogline.federated.FedAvg;
import java.util.Locale;

/**
 * A run's strategy: the server's aggregation plan and the clients' FedProx μ. Written as the plan's text
 * ({@code fedavg}, {@code median}, {@code trimmed-mean:0.2}, {@code krum:2}, {@code multi-krum:2:5}, any of them with
 * {@code +norm-bound:M}), or {@code fedprox:MU} for FedAvg with FedProx clients.
 */
record Strategy(String text, AggregationPlan plan, double proximalMu) {

    static Strategy parse(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (!trimmed.startsWith("fedprox:")) {
            return new Strategy(trimmed, AggregationPlan.parse(trimmed), 0);
        }
        try {
            double mu = Double.parseDouble(trimmed.substring("fedprox:".length()));
            if (mu > 0) {
                return new Strategy(trimmed, AggregationPlan.of(new FedAvg()), mu);
            }
        } catch (NumberFormatException e) {
            // Falls through to the message.
        }
        throw new IllegalArgumentException(
                "unknown strategy '" + text + "': FedProx takes a positive μ, e.g. fedprox:0.01");
    }

    @Override
    public String toString() {
        return text;
    }
}

package io.fogline.federated;

import java.util.Set;

/**
 * What an update must match to enter a round.
 *
 * @param job the federated job's id
 * @param round the open round, from 1
 * @param dimension the model's parameter count
 * @param cohort the clients chosen for the round
 * @param maxExamples the most examples a client may claim: FedAvg weights by the claim, so it is bounded
 */
public record RoundRules(String job, int round, int dimension, Set<String> cohort, long maxExamples) {

    public RoundRules {
        cohort = Set.copyOf(cohort);
        if (round < 1 || dimension < 1 || maxExamples < 1) {
            throw new IllegalArgumentException("a round from 1, a dimension and an example limit of at least 1, not "
                    + round + ", " + dimension + ", " + maxExamples);
        }
    }
}

package io.fogline.core.federated;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a federated client sends back after a round of local training: the change it made to the global model, how
 * many examples it learned it from, and a few metrics of the local run. Never examples or labels.
 *
 * @param job the federated job the round belongs to
 * @param round the round the client trained in, from 1
 * @param exampleCount the examples the client trained on, the weight FedAvg gives the update
 * @param metrics local figures by name, in the order the client wrote them (e.g. {@code loss}, {@code accuracy})
 * @param delta the trained parameters minus the global ones, in the network's parameter-vector layout
 */
public record ModelUpdate(String job, int round, long exampleCount, Map<String, Double> metrics, float[] delta) {

    public ModelUpdate {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(delta, "delta");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** The Euclidean norm of the delta, accumulated in double precision. */
    public double norm() {
        double sum = 0;
        for (float value : delta) {
            sum += (double) value * value;
        }
        return Math.sqrt(sum);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelUpdate that
                && job.equals(that.job)
                && round == that.round
                && exampleCount == that.exampleCount
                && metrics.equals(that.metrics)
                && Arrays.equals(delta, that.delta);
    }

    @Override
    public int hashCode() {
        return Objects.hash(job, round, exampleCount, metrics, Arrays.hashCode(delta));
    }

    @Override
    public String toString() {
        return "ModelUpdate[job=" + job + ", round=" + round + ", exampleCount=" + exampleCount + ", metrics=" + metrics
                + ", dimension=" + delta.length + "]";
    }
}

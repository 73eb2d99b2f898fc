package io.fogline.federated;

/**
 * Federated averaging (McMahan et al., 2017): the mean of the updates weighted by their example counts. It reads one
 * update at a time in slices, so its memory is the result's and a slice's, constant in the number of clients.
 */
public record FedAvg() implements AggregationRule {

    private static final int SLICE = 1 << 16;

    @Override
    public float[] aggregate(UpdateSet updates) {
        AggregationRule.requireUpdates(updates);
        double total = 0;
        for (int i = 0; i < updates.size(); i++) {
            total += updates.exampleCount(i);
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("the updates carry no examples to weight them by");
        }
        double[] weights = new double[updates.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = updates.exampleCount(i) / total;
        }
        return weightedSum(updates, weights);
    }

    /** {@code Σ weights[i] · update i}, accumulated in double precision. */
    static float[] weightedSum(UpdateSet updates, double[] weights) {
        int dimension = updates.dimension();
        double[] sum = new double[dimension];
        float[] slice = new float[Math.min(SLICE, dimension)];
        for (int i = 0; i < updates.size(); i++) {
            double weight = weights[i];
            for (int from = 0; from < dimension; from += slice.length) {
                int width = Math.min(slice.length, dimension - from);
                updates.read(i, from, width, slice, 0);
                for (int j = 0; j < width; j++) {
                    sum[from + j] += weight * slice[j];
                }
            }
        }
        float[] result = new float[dimension];
        for (int k = 0; k < dimension; k++) {
            result[k] = (float) sum[k];
        }
        return result;
    }

    @Override
    public String toString() {
        return "fedavg";
    }
}

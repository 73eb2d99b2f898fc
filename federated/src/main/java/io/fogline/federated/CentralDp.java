package io.fogline.federated;

import java.util.random.RandomGenerator;

/**
 * Central differential privacy for a round, at the level of clients (DP-FedAvg, McMahan et al., 2018): each update is
 * clipped to norm {@code clipNorm}, the clipped updates are summed unweighted, Gaussian noise of standard deviation
 * {@code noiseMultiplier · clipNorm} is added to every coordinate, and the sum is divided by the expected number of
 * clients. Example counts are ignored: a weight would let one client's data move the result by more than the clip.
 * What it spends goes to an {@link RdpAccountant}.
 *
 * @param expectedClients the expected clients per round: a fixed denominator keeps the sensitivity at one clip
 * @param noise the source of the noise; a {@link java.security.SecureRandom} in production
 */
public record CentralDp(double clipNorm, double noiseMultiplier, int expectedClients, RandomGenerator noise) {

    public CentralDp {
        if (!(clipNorm > 0) || !(noiseMultiplier >= 0) || expectedClients < 1) {
            throw new IllegalArgumentException("a positive clip, a non-negative noise multiplier and at least one"
                    + " expected client, not " + clipNorm + ", " + noiseMultiplier + ", " + expectedClients);
        }
    }

    /** The noised mean of the clipped updates. */
    public float[] aggregate(UpdateSet updates) {
        double[] norms = CoordinateChunks.norms(updates);
        double[] weights = new double[norms.length];
        for (int i = 0; i < norms.length; i++) {
            double clip = norms[i] > clipNorm ? clipNorm / norms[i] : 1;
            weights[i] = clip / expectedClients;
        }
        float[] mean = FedAvg.weightedSum(updates, weights);
        double deviation = noiseMultiplier * clipNorm / expectedClients;
        for (int k = 0; k < mean.length; k++) {
            mean[k] += (float) (deviation * noise.nextGaussian());
        }
        return mean;
    }

    /** Records one round in the accountant, with each of {@code population} clients sampled at the expected rate. */
    public void account(RdpAccountant accountant, int population) {
        accountant.compose(Math.min(1, (double) expectedClients / population), noiseMultiplier, 1);
    }
}

package io.fogline.federated;

import java.util.Arrays;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

/**
 * Counts the privacy a federated job spends under central differential privacy, with Rényi DP (Mironov, 2017): each
 * round is a sampled Gaussian mechanism, whose RDP at order α is {@code log(A_α) / (α − 1)} (Mironov, Talwar and Zhang,
 * 2019); rounds add up at every order; the (ε, δ) guarantee is the best over the orders, converted with the bound of
 * Canonne, Kamath and Steinke (2020, proposition 12), tighter than the classic {@code rdp − log δ / (α − 1)}.
 *
 * <p>With sampling ({@code q < 1}) the orders must be integers, where {@code A_α} is a finite binomial sum; without
 * it the RDP is {@code α / (2σ²)} at any order. The accountant's state is its RDP per order, which a control plane
 * stores with the job.
 */
public final class RdpAccountant {

    /** Integer orders from 2 to 64, then 128 and 256: the optimum for the budgets people use lies among them. */
    public static final double[] DEFAULT_ORDERS = DoubleStream.concat(
                    IntStream.rangeClosed(2, 64).asDoubleStream(), DoubleStream.of(128, 256))
            .toArray();

    private final double[] orders;
    private final double[] rdp;

    public RdpAccountant() {
        this(DEFAULT_ORDERS);
    }

    public RdpAccountant(double[] orders) {
        this(orders, new double[orders.length]);
    }

    /** Resumes with the RDP already spent at each order. */
    public RdpAccountant(double[] orders, double[] rdp) {
        if (orders.length == 0 || orders.length != rdp.length) {
            throw new IllegalArgumentException(
                    "one RDP value per order, and at least one order: " + orders.length + " orders, " + rdp.length);
        }
        for (double order : orders) {
            if (!(order > 1)) {
                throw new IllegalArgumentException("Rényi orders are above 1, not " + order);
            }
        }
        this.orders = orders.clone();
        this.rdp = rdp.clone();
    }

    /** The (ε, δ) guarantee and the order that gave it. */
    public record Spent(double epsilon, double delta, double order) {}

    /**
     * Records {@code steps} rounds in which each client takes part with probability {@code samplingRate} and the sum of
     * their updates, each clipped to norm C, gets Gaussian noise of standard deviation {@code noiseMultiplier · C}.
     */
    public void compose(double samplingRate, double noiseMultiplier, int steps) {
        if (!(samplingRate >= 0 && samplingRate <= 1) || !(noiseMultiplier >= 0) || steps < 0) {
            throw new IllegalArgumentException("a sampling rate in [0, 1], a non-negative noise multiplier and step"
                    + " count, not " + samplingRate + ", " + noiseMultiplier + ", " + steps);
        }
        for (int i = 0; i < orders.length; i++) {
            rdp[i] += steps * sampledGaussian(samplingRate, noiseMultiplier, orders[i]);
        }
    }

    public double[] orders() {
        return orders.clone();
    }

    public double[] rdp() {
        return rdp.clone();
    }

    public Spent epsilon(double delta) {
        return epsilon(orders, rdp, delta);
    }

    /** The smallest δ for which the rounds so far are (ε, δ)-DP. */
    public double delta(double epsilon) {
        return delta(orders, rdp, epsilon);
    }

    /** RDP at order {@code alpha} of one sampled Gaussian mechanism. */
    static double sampledGaussian(double q, double sigma, double alpha) {
        if (q == 0) {
            return 0;
        }
        if (sigma == 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (q == 1) {
            return alpha / (2 * sigma * sigma);
        }
        if (alpha != Math.rint(alpha)) {
            throw new IllegalArgumentException("with sampling, RDP is computed at integer orders only, not " + alpha);
        }
        return logA(q, sigma, (int) alpha) / (alpha - 1);
    }

    /**
     * {@code log A_α = log Σ_k C(α, k) (1 − q)^(α − k) q^k exp((k² − k) / (2σ²))}, summed in log space: the terms span
     * hundreds of orders of magnitude.
     */
    static double logA(double q, double sigma, int alpha) {
        double logQ = Math.log(q);
        double logNotQ = Math.log1p(-q);
        double[] terms = new double[alpha + 1];
        double max = Double.NEGATIVE_INFINITY;
        double logBinomial = 0;
        for (int k = 0; k <= alpha; k++) {
            if (k > 0) {
                logBinomial += Math.log(alpha - k + 1) - Math.log(k);
            }
            terms[k] = logBinomial + k * logQ + (alpha - k) * logNotQ + ((double) k * k - k) / (2 * sigma * sigma);
            max = Math.max(max, terms[k]);
        }
        double sum = 0;
        for (double term : terms) {
            sum += Math.exp(term - max);
        }
        return max + Math.log(sum);
    }

    static Spent epsilon(double[] orders, double[] rdp, double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("δ must be in (0, 1), not " + delta);
        }
        double best = Double.POSITIVE_INFINITY;
        double bestOrder = orders[0];
        for (int i = 0; i < orders.length; i++) {
            double a = orders[i];
            double r = rdp[i];
            double epsilon;
            if (delta * delta + Math.expm1(-r) >= 0) {
                // So little divergence that the KL bound alone gives δ: ε is 0.
                epsilon = 0;
            } else {
                epsilon = r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
            }
            if (epsilon < best) {
                best = epsilon;
                bestOrder = a;
            }
        }
        return new Spent(Math.max(0, best), delta, bestOrder);
    }

    static double delta(double[] orders, double[] rdp, double epsilon) {
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("ε must not be negative, not " + epsilon);
        }
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < orders.length; i++) {
            double a = orders[i];
            double r = rdp[i];
            double logDelta = 0.5 * Math.log1p(-Math.exp(-r));
            logDelta = Math.min(logDelta, (a - 1) * (r - epsilon + Math.log1p(-1 / a)) - Math.log(a));
            best = Math.min(best, logDelta);
        }
        return Math.min(1, Math.exp(best));
    }

    @Override
    public String toString() {
        return "RDP over orders " + Arrays.toString(orders);
    }
}

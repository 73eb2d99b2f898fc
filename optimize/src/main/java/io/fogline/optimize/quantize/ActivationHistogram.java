package io.fogline.optimize.quantize;

/**
 * Counts of an activation's values in equal bins over a known range, from which percentile and entropy calibration
 * pick a clipped range.
 */
final class ActivationHistogram {

    /**
     * Fine enough that entropy calibration, which needs at least as many bins as UINT8 has steps, can clip a range to
     * 3% of its largest value.
     */
    static final int BINS = 8192;

    /** Thresholds tried by entropy calibration: every fourth bin edge. */
    private static final int STRIDE = 4;

    private final float low;
    private final float high;
    private final double binsPerUnit;
    private final long[] counts = new long[BINS];
    private long total;
    /** Values exactly zero, counted in their bin as well: ReLU outputs and padding are mostly these. */
    private long exactZeros;

    /** Bins over {@code [low, high]}; values outside land in the end bins. */
    ActivationHistogram(float low, float high) {
        this.low = low;
        this.high = high > low ? high : low + Float.MIN_NORMAL;
        this.binsPerUnit = BINS / ((double) this.high - low);
    }

    void add(float[] values, boolean magnitudes) {
        for (float value : values) {
            counts[bin(magnitudes ? Math.abs(value) : value)]++;
            if (value == 0) {
                exactZeros++;
            }
        }
        total += values.length;
    }

    /** The lower edge of the bin in which the share {@code fraction} of all values lies below. */
    float quantile(double fraction) {
        long target = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int bin = 0; bin < BINS; bin++) {
            seen += counts[bin];
            if (seen >= target && seen > 0) {
                return edge(fraction < 0.5 ? bin : bin + 1);
            }
        }
        return high;
    }

    private int bin(double value) {
        return Math.clamp((int) ((value - low) * binsPerUnit), 0, BINS - 1);
    }

    /**
     * The threshold (a bin edge, at least {@code levels} bins up) that minimises the Kullback-Leibler divergence of
     * the histogram clipped there from its quantization to {@code levels} steps, outliers counted in the last bin.
     * Exact zeros are left out: zero is a step of every quantization, so they cost nothing at any threshold, while
     * counted they make a spike that no coarser step can match, and the divergence then favours the finest steps
     * however many values they clip (a ReLU's output, mostly zeros, was clipped to a few percent of its range).
     */
    float entropyThreshold(int levels) {
        long[] nonzero = counts.clone();
        nonzero[bin(0)] -= exactZeros;
        double best = Double.POSITIVE_INFINITY;
        int bestBins = BINS;
        double[] reference = new double[BINS];
        double[] expanded = new double[BINS];
        for (int bins = levels; bins <= BINS; bins += STRIDE) {
            long outliers = 0;
            for (int bin = bins; bin < BINS; bin++) {
                outliers += nonzero[bin];
            }
            for (int bin = 0; bin < bins; bin++) {
                reference[bin] = nonzero[bin];
            }
            reference[bins - 1] += outliers;
            quantizeAndExpand(nonzero, bins, levels, expanded);
            double divergence = divergence(reference, expanded, bins);
            if (divergence < best) {
                best = divergence;
                bestBins = bins;
            }
        }
        return edge(bestBins);
    }

    /** The first {@code bins} counts merged into {@code levels} groups, each group's count spread over its non-empty bins. */
    private static void quantizeAndExpand(long[] counts, int bins, int levels, double[] expanded) {
        double perLevel = (double) bins / levels;
        for (int level = 0; level < levels; level++) {
            int start = (int) Math.round(level * perLevel);
            int end = (int) Math.round((level + 1) * perLevel);
            long sum = 0;
            int nonEmpty = 0;
            for (int bin = start; bin < end; bin++) {
                sum += counts[bin];
                nonEmpty += counts[bin] > 0 ? 1 : 0;
            }
            for (int bin = start; bin < end; bin++) {
                expanded[bin] = counts[bin] > 0 ? (double) sum / nonEmpty : 0;
            }
        }
    }

    private static double divergence(double[] p, double[] q, int bins) {
        double pSum = 0;
        double qSum = 0;
        for (int bin = 0; bin < bins; bin++) {
            pSum += p[bin];
            qSum += q[bin];
        }
        if (pSum == 0 || qSum == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double divergence = 0;
        for (int bin = 0; bin < bins; bin++) {
            if (p[bin] > 0) {
                // Where the quantized histogram is empty but the clipped one is not (the outliers folded into the last
                // bin), a small floor keeps the divergence finite and large.
                double pi = p[bin] / pSum;
                double qi = Math.max(q[bin] / qSum, 1e-10);
                divergence += pi * Math.log(pi / qi);
            }
        }
        return divergence;
    }

    private float edge(int bin) {
        return (float) (low + ((double) high - low) * bin / BINS);
    }
}

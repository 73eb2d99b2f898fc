package io.fogline.control.monitor;

/**
 * The population stability index of live counts against reference counts: the sum over bins of (a − e)·ln(a / e)
 * on proportions. Below 0.1 is read as stable, 0.1 to 0.2 as a moderate shift, above 0.2 as a major one.
 */
public final class Psi {

    /**
     * Half a count is added to every bin (Jeffreys' prior), so that a bin empty on one side weighs by how many
     * values were seen rather than infinitely: a class no request of a small window happened to predict is noise.
     */
    private static final double PRIOR = 0.5;

    private Psi() {}

    /**
     * @param reference counts per bin of the reference, over the bins between the edges
     * @param live counts of live values: below the first edge, per bin, above the last edge
     */
    public static double of(long[] reference, long[] live) {
        if (live.length != reference.length + 2) {
            throw new IllegalArgumentException(
                    "live counts need " + (reference.length + 2) + " bins, got " + live.length);
        }
        long referenceTotal = 0;
        for (long count : reference) {
            referenceTotal += count;
        }
        long liveTotal = 0;
        for (long count : live) {
            liveTotal += count;
        }
        if (referenceTotal == 0 || liveTotal == 0) {
            return 0;
        }
        double psi = 0;
        for (int bin = 0; bin < live.length; bin++) {
            long expected = bin == 0 || bin == live.length - 1 ? 0 : reference[bin - 1];
            double e = (expected + PRIOR) / (referenceTotal + PRIOR * live.length);
            double a = (live[bin] + PRIOR) / (liveTotal + PRIOR * live.length);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }
}

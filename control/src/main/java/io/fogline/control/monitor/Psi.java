package io.fogline.control.monitor;

/**
 * The population stability index of live counts against reference counts: the sum over bins of (a − e)·ln(a / e)
 * on proportions. Below 0.1 is read as stable, 0.1 to 0.2 as a moderate shift, above 0.2 as a major one.
 */
public final class Psi {

    /** Proportions are floored here, so that a bin empty on one side weighs much without weighing infinitely. */
    private static final double FLOOR = 1e-4;

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
            double e = Math.max(FLOOR, (double) expected / referenceTotal);
            double a = Math.max(FLOOR, (double) live[bin] / liveTotal);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }
}

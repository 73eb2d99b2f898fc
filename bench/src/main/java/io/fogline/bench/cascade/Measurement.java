package io.fogline.bench.cascade;

/**
 * One row of the deferral curve, or a peer.
 *
 * @param threshold the escalation rule's threshold in the row; NaN for a peer
 * @param escalated the share of requests a parent answered
 * @param degraded answers the edge gave because no parent did; 0 in a healthy run
 */
record Measurement(
        String setup,
        double threshold,
        int requests,
        double accuracy,
        double escalated,
        int degraded,
        double meanMillis,
        double p50Millis,
        double p99Millis) {

    /** The same figures for a setup where the parent answers everything, as when a client calls it directly. */
    Measurement allAtParent() {
        return new Measurement(setup, threshold, requests, accuracy, 1.0, degraded, meanMillis, p50Millis, p99Millis);
    }
}

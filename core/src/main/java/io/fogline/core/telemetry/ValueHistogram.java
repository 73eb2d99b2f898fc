package io.fogline.core.telemetry;

import java.util.Arrays;

/**
 * The values of one input or output over a window: moments always, and counts per bin when the node knows the
 * bundle's reference bins (reference-stats.json's histogram edges). {@code counts} has one more bin at each end than
 * the edges make, for values below the first edge and above the last: a shift out of the reference range is the
 * plainest drift there is.
 *
 * @param edges bin edges, ascending; empty when the node had no reference to bin by
 * @param counts {@code edges.length + 1} counts (below, the bins, above), or empty with the edges
 */
public record ValueHistogram(
        double[] edges, long[] counts, long count, double sum, double sumSquares, double min, double max) {

    public ValueHistogram {
        if (edges.length == 0 ? counts.length != 0 : counts.length != edges.length + 1) {
            throw new IllegalArgumentException("a histogram with " + edges.length + " edges needs "
                    + (edges.length == 0 ? 0 : edges.length + 1) + " counts, got " + counts.length);
        }
        for (int i = 1; i < edges.length; i++) {
            if (!(edges[i] >= edges[i - 1])) {
                throw new IllegalArgumentException("histogram edges must ascend");
            }
        }
        if (count < 0 || Arrays.stream(counts).anyMatch(c -> c < 0)) {
            throw new IllegalArgumentException("histogram counts must not be negative");
        }
    }

    public static ValueHistogram empty(double[] edges) {
        return new ValueHistogram(
                edges.clone(),
                new long[edges.length == 0 ? 0 : edges.length + 1],
                0,
                0,
                0,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY);
    }

    /** The bin of a value: 0 below the first edge, {@code edges.length} above the last. */
    public static int binOf(double[] edges, double value) {
        if (value < edges[0]) {
            return 0;
        }
        if (value > edges[edges.length - 1]) {
            return edges.length;
        }
        int found = Arrays.binarySearch(edges, value);
        int bin = found >= 0 ? found + 1 : -found - 1;
        // The last edge closes the last bin, as reference-stats.json counts it.
        return Math.min(bin, edges.length - 1);
    }

    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    public boolean binned() {
        return edges.length > 0;
    }

    /** The sum of both; bins survive only when both were binned on the same edges. */
    public ValueHistogram merge(ValueHistogram other) {
        boolean sameBins = Arrays.equals(edges, other.edges);
        long[] merged = sameBins ? counts.clone() : new long[0];
        if (sameBins) {
            for (int i = 0; i < merged.length; i++) {
                merged[i] += other.counts[i];
            }
        }
        return new ValueHistogram(
                sameBins ? edges : new double[0],
                merged,
                count + other.count,
                sum + other.sum,
                sumSquares + other.sumSquares,
                Math.min(min, other.min),
                Math.max(max, other.max));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ValueHistogram that
                && Arrays.equals(edges, that.edges)
                && Arrays.equals(counts, that.counts)
                && count == that.count
                && Double.compare(sum, that.sum) == 0
                && Double.compare(sumSquares, that.sumSquares) == 0
                && Double.compare(min, that.min) == 0
                && Double.compare(max, that.max) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts) * 31 + Long.hashCode(count);
    }

    @Override
    public String toString() {
        return "ValueHistogram[count=" + count + ", counts=" + Arrays.toString(counts) + "]";
    }
}

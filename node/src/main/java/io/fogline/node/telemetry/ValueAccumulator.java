package io.fogline.node.telemetry;

import io.fogline.core.telemetry.ValueHistogram;

/** A {@link ValueHistogram} being filled: not thread-safe, only the recorder's tick touches it. */
final class ValueAccumulator {

    private final double[] edges;
    private final long[] counts;
    private long count;
    private double sum;
    private double sumSquares;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    ValueAccumulator(double[] edges) {
        this.edges = edges == null ? new double[0] : edges;
        this.counts = new long[this.edges.length == 0 ? 0 : this.edges.length + 1];
    }

    void add(double[] values) {
        for (double value : values) {
            if (Double.isNaN(value)) {
                continue;
            }
            count++;
            sum += value;
            sumSquares += value * value;
            min = Math.min(min, value);
            max = Math.max(max, value);
            if (edges.length > 0) {
                counts[ValueHistogram.binOf(edges, value)]++;
            }
        }
    }

    boolean isEmpty() {
        return count == 0;
    }

    ValueHistogram snapshot() {
        return new ValueHistogram(edges.clone(), counts.clone(), count, sum, sumSquares, min, max);
    }
}

package io.fogline.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesAreTheUpperEdgeOfTheBucketHoldingThatRank() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int micros = 1; micros <= 1000; micros++) {
            histogram.record(micros * 1000L);
        }
        histogram.record(250_000_000L);

        long[] counts = histogram.drain();

        assertThat(LatencyHistogram.total(counts)).isEqualTo(1001);
        assertThat(LatencyHistogram.percentileMillis(counts, 0.50)).isEqualTo(0.51);
        assertThat(LatencyHistogram.percentileMillis(counts, 0.99)).isEqualTo(1.0);
        assertThat(LatencyHistogram.percentileMillis(counts, 1.0)).isEqualTo(251.0);
        assertThat(LatencyHistogram.total(histogram.drain())).isZero();
    }

    @Test
    void latenciesPastTenSecondsShareTheLastBucket() {
        assertThat(LatencyHistogram.bucketOf(20_000_000)).isEqualTo(LatencyHistogram.bucketOf(10_000_000));
        assertThat(LatencyHistogram.percentileMillis(LatencyHistogram.empty(), 0.99))
                .isZero();
    }
}

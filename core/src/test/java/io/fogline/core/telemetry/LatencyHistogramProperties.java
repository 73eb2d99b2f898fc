package io.fogline.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

class LatencyHistogramProperties {

    private static LatencyHistogram of(List<Double> millis) {
        long[] counts = new long[LatencyHistogram.BUCKETS];
        millis.forEach(value -> counts[LatencyHistogram.bucketOf(value)]++);
        return LatencyHistogram.of(counts);
    }

    @Property
    void mergedHistogramsAreTheHistogramOfAllTheValues(
            @ForAll @Size(max = 50) List<@DoubleRange(min = 0, max = 1e6) Double> a,
            @ForAll @Size(max = 50) List<@DoubleRange(min = 0, max = 1e6) Double> b) {
        List<Double> all = new java.util.ArrayList<>(a);
        all.addAll(b);

        assertThat(of(a).merge(of(b))).isEqualTo(of(all));
    }

    @Property
    void aQuantileIsAtMostNineteenPercentAboveTheTrueOne(
            @ForAll @Size(min = 1, max = 200) List<@DoubleRange(min = 0.02, max = 50_000) Double> millis,
            @ForAll @DoubleRange(min = 0.01, max = 1) double q) {
        double[] sorted =
                millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double exact = sorted[(int) Math.max(0, Math.ceil(q * sorted.length) - 1)];

        double read = of(millis).quantileMs(q);

        assertThat(read).isBetween(exact, exact * Math.pow(2, 0.25) * (1 + 1e-9));
        assertThat(Arrays.stream(sorted).anyMatch(value -> value > read)).isEqualTo(read < sorted[sorted.length - 1]);
    }
}

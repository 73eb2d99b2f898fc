package io.fogline.core.federated;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.Size;

class FloatSelectionTest {

    @Property(tries = 1000)
    void selectsWhatSortingWouldPutAtTheRank(
            @ForAll @Size(min = 1, max = 200) float @FloatRange(min = -5, max = 5) [] values, @ForAll int seed) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        int k = Math.floorMod(seed, values.length);

        float[] work = values.clone();
        float selected = FloatSelection.select(work, 0, work.length, k);

        // -0 and 0 tie: the same rank may hold either.
        assertThat(selected == sorted[k])
                .as("%s at rank %d of %s", selected, k, Arrays.toString(sorted))
                .isTrue();
        for (int i = 0; i < work.length; i++) {
            if (i < k) {
                assertThat(work[i]).isLessThanOrEqualTo(selected);
            } else if (i > k) {
                assertThat(work[i]).isGreaterThanOrEqualTo(selected);
            }
        }
    }

    @Property(tries = 200)
    void manyEqualValuesStillSelect(@ForAll @Size(min = 1, max = 300) int[] small, @ForAll int seed) {
        float[] values = new float[small.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.floorMod(small[i], 3);
        }
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        int k = Math.floorMod(seed, values.length);

        assertThat(FloatSelection.select(values, 0, values.length, k)).isEqualTo(sorted[k]);
    }
}

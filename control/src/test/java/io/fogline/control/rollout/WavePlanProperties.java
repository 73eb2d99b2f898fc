package io.fogline.control.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class WavePlanProperties {

    @Property
    void wavesCoverEveryTargetOnceAndNeverShrinkBeforeTheLast(
            @ForAll @IntRange(min = 1, max = 5000) int targets,
            @ForAll @IntRange(min = 1, max = 50) int canary,
            @ForAll @DoubleRange(min = 1, max = 10) double factor) {
        List<Integer> sizes = WavePlan.sizes(new RolloutSpec.Waves(String.valueOf(canary), factor, null), targets);
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(targets);
        assertThat(sizes.getFirst()).isEqualTo(Math.min(canary, targets));
        for (int i = 1; i < sizes.size() - 1; i++) {
            assertThat(sizes.get(i)).isGreaterThanOrEqualTo(sizes.get(i - 1));
        }
    }

    @Example
    void aShareOfTheTargetsMakesTheCanary() {
        assertThat(WavePlan.sizes(new RolloutSpec.Waves("5%", 3, null), 100)).containsExactly(5, 15, 45, 35);
        assertThat(WavePlan.sizes(new RolloutSpec.Waves("1%", 2, null), 10)).containsExactly(1, 2, 4, 3);
    }
}

package io.fogline.routing.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class BackoffPropertiesTest {

    @Property
    void eachDelayLiesBetweenHalfAndAllOfItsCappedStep(
            @ForAll @LongRange(min = 0, max = 1000) long initialMillis,
            @ForAll @LongRange(min = 0, max = 5000) long extraMillis,
            @ForAll @IntRange(min = 1, max = 70) int retry,
            @ForAll long seed) {
        Duration initial = Duration.ofMillis(initialMillis);
        Duration max = initial.plusMillis(extraMillis);
        Backoff backoff = new Backoff(initial, max);

        Duration delay = backoff.delay(retry, new Random(seed));

        double step = Math.min(max.toNanos(), initial.toNanos() * Math.pow(2, retry - 1));
        assertThat((double) delay.toNanos()).isBetween(Math.floor(step / 2), step);
    }
}

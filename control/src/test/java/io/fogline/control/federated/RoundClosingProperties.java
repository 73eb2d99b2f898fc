package io.fogline.control.federated;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** When a round ends, over every count of answers, devices, minimum and time. */
class RoundClosingProperties {

    @Property(tries = 2000)
    void aRoundAggregatesOnlyWithEnoughUpdatesAndWaitsOnlyBeforeItsDeadline(
            @ForAll @IntRange(max = 50) int answered,
            @ForAll @IntRange(min = 1, max = 50) int chosen,
            @ForAll @IntRange(min = 1, max = 50) int minReplies,
            @ForAll @LongRange(max = 200) long now) {
        long deadline = 100;
        int replies = Math.min(answered, chosen);

        RoundClosing.Decision decision = RoundClosing.decide(replies, chosen, minReplies, now, deadline);

        if (decision == RoundClosing.Decision.AGGREGATE) {
            assertThat(replies).isGreaterThanOrEqualTo(minReplies);
        }
        if (decision == RoundClosing.Decision.WAIT) {
            assertThat(now).as("nobody waits past the deadline").isLessThan(deadline);
            assertThat(replies < chosen || replies < minReplies)
                    .as("nor once everyone answered")
                    .isTrue();
        }
        if (decision == RoundClosing.Decision.TOO_FEW) {
            assertThat(now).isGreaterThanOrEqualTo(deadline);
            assertThat(replies).isLessThan(minReplies);
        }
        if (now >= deadline) {
            assertThat(decision).isNotEqualTo(RoundClosing.Decision.WAIT);
        }
    }
}

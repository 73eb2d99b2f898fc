package io.fogline.runtime.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecentCostTest {

    private static final long CHEAP = 20_000;
    private static final long PREEMPTED = 5_000_000;

    @Test
    void theCostIsUnknownUntilTheFirstRun() {
        RecentCost cost = new RecentCost();
        assertThat(cost.typicalNanos()).isEqualTo(Long.MAX_VALUE);

        cost.record(CHEAP);

        assertThat(cost.typicalNanos()).isEqualTo(CHEAP);
    }

    @Test
    void runsPreemptedNowAndThenDoNotMakeACheapModelLookExpensive() {
        RecentCost cost = new RecentCost();
        for (int i = 0; i < 100; i++) {
            cost.record(i % 4 == 3 ? PREEMPTED : CHEAP);
        }

        assertThat(cost.typicalNanos()).isEqualTo(CHEAP);
    }

    @Test
    void aModelWhoseRunsBecameExpensiveIsSeenAsSuchOnceMostRecentRunsAre() {
        RecentCost cost = new RecentCost();
        for (int i = 0; i < RecentCost.WINDOW; i++) {
            cost.record(CHEAP);
        }
        for (int i = 0; i < RecentCost.WINDOW / 2; i++) {
            cost.record(PREEMPTED);
        }
        assertThat(cost.typicalNanos()).isEqualTo(CHEAP);

        cost.record(PREEMPTED);

        assertThat(cost.typicalNanos()).isEqualTo(PREEMPTED);
    }

    @Test
    void theTypicalCostIsTheMedianOfTheLastWindowOfRunsRepeatsIncluded() {
        RecentCost cost = new RecentCost();
        Random random = new Random(16);
        long[] runs = new long[200];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = CHEAP + random.nextInt(20) * 1_000L;
            cost.record(runs[i]);

            long[] window = Arrays.copyOfRange(runs, Math.max(0, i + 1 - RecentCost.WINDOW), i + 1);
            Arrays.sort(window);
            assertThat(cost.typicalNanos()).as("after run %d", i).isEqualTo(window[window.length / 2]);
        }
    }
}

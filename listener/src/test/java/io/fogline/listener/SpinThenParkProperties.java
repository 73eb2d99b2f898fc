package io.fogline.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.SelectStrategy;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SpinThenParkProperties {

    private static final long SPIN = 50_000;

    /** What the loop saw at one turn: nanoseconds since the last turn, ready sockets, whether tasks wait. */
    record Turn(long elapsed, int ready, boolean hasTasks) {}

    @Provide
    Arbitrary<List<Turn>> turns() {
        Arbitrary<Turn> turn = Combinators.combine(
                        Arbitraries.longs().between(0, 2 * SPIN),
                        Arbitraries.of(0, 0, 1, 2),
                        Arbitraries.of(false, false, false, true))
                .as(Turn::new);
        return turn.list().ofMaxSize(200);
    }

    @Property
    void workIsNeverDelayedTheLoopPollsForTheWholeSpinAfterItsLastWorkAndThenSleeps(@ForAll("turns") List<Turn> turns)
            throws Exception {
        long[] now = {0};
        SpinThenPark strategy = new SpinThenPark(SPIN, () -> now[0]);
        long idleSince = -1;
        for (Turn turn : turns) {
            now[0] += turn.elapsed();
            int decision = strategy.calculateStrategy(turn::ready, turn.hasTasks());
            if (turn.ready() > 0 || turn.hasTasks()) {
                assertThat(decision).as("work at hand is handled at once").isEqualTo(turn.ready());
                idleSince = -1;
                continue;
            }
            if (idleSince < 0) {
                idleSince = now[0];
            }
            boolean withinSpin = now[0] - idleSince < SPIN;
            assertThat(decision)
                    .as("idle for %d ns", now[0] - idleSince)
                    .isEqualTo(withinSpin ? SelectStrategy.CONTINUE : SelectStrategy.SELECT);
            if (!withinSpin) {
                // A sleep ends with work or a wake-up: the next idle turn starts a new spin.
                idleSince = -1;
            }
        }
    }
}

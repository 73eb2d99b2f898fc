package io.fogline.routing.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.routing.upstream.CircuitBreaker.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The breaker's state machine under random sequences of calls, outcomes and passing time. */
class CircuitBreakerPropertiesTest {

    private static final Duration OPEN = Duration.ofSeconds(10);

    sealed interface Step {}

    record Acquire() implements Step {}

    record Succeed(int which) implements Step {}

    record Fail(int which) implements Step {}

    record Wait(long millis) implements Step {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Arbitraries.oneOf(
                Arbitraries.just(new Acquire()),
                Arbitraries.integers().between(0, 7).map(Succeed::new),
                Arbitraries.integers().between(0, 7).map(Fail::new),
                Arbitraries.longs().between(0, 15_000).map(Wait::new));
        return step.list().ofMaxSize(80);
    }

    @Property(tries = 500)
    void keepsItsInvariants(
            @ForAll("steps") List<Step> steps,
            @ForAll @IntRange(min = 1, max = 4) int threshold,
            @ForAll @IntRange(min = 1, max = 3) int probes) {
        ManualClock clock = new ManualClock();
        List<State[]> transitions = new ArrayList<>();
        CircuitBreaker breaker = new CircuitBreaker(
                threshold, OPEN, probes, clock, (from, to) -> transitions.add(new State[] {from, to}));
        // Each permit with the number of transitions before it: reports of older generations must change nothing.
        List<CircuitBreaker.Permit> outstanding = new ArrayList<>();
        List<Integer> generations = new ArrayList<>();
        long openedAt = Long.MIN_VALUE;
        int failuresInARowWhileClosed = 0;
        int probesGranted = 0;
        for (Step step : steps) {
            State before = breaker.state();
            boolean currentReport = false;
            switch (step) {
                case Acquire acquire -> {
                    CircuitBreaker.Permit permit = breaker.tryAcquire();
                    State after = breaker.state();
                    if (before == State.OPEN && clock.getAsLong() - openedAt < OPEN.toNanos()) {
                        assertThat(permit)
                                .as("no call passes an open breaker before its pause ends")
                                .isNull();
                    }
                    if (after == State.HALF_OPEN) {
                        probesGranted = before == State.HALF_OPEN ? probesGranted : 0;
                        if (permit != null) {
                            probesGranted++;
                        }
                        assertThat(probesGranted).as("probes at once").isLessThanOrEqualTo(probes);
                    }
                    if (before == State.CLOSED) {
                        assertThat(permit)
                                .as("a closed breaker lets every call through")
                                .isNotNull();
                    }
                    if (permit != null) {
                        outstanding.add(permit);
                        generations.add(transitions.size());
                    }
                }
                case Succeed succeed -> {
                    if (!outstanding.isEmpty()) {
                        int index = succeed.which() % outstanding.size();
                        currentReport = generations.remove(index) == transitions.size();
                        outstanding.remove(index).onSuccess();
                    }
                }
                case Fail fail -> {
                    if (!outstanding.isEmpty()) {
                        int index = fail.which() % outstanding.size();
                        currentReport = generations.remove(index) == transitions.size();
                        outstanding.remove(index).onFailure();
                    }
                }
                case Wait wait -> clock.advance(Duration.ofMillis(wait.millis()));
            }
            State after = breaker.state();
            if (after == State.OPEN && before != State.OPEN) {
                openedAt = clock.getAsLong();
            }
            if (after != State.CLOSED || before != State.CLOSED) {
                failuresInARowWhileClosed = 0;
            } else if (currentReport && step instanceof Fail) {
                failuresInARowWhileClosed++;
            } else if (currentReport && step instanceof Succeed) {
                failuresInARowWhileClosed = 0;
            }
            if (!currentReport && (step instanceof Succeed || step instanceof Fail)) {
                assertThat(after).as("a stale report changes nothing").isEqualTo(before);
            }
            assertThat(failuresInARowWhileClosed).isLessThan(threshold);
        }
        for (State[] transition : transitions) {
            boolean allowed =
                    switch (transition[0]) {
                        case CLOSED -> transition[1] == State.OPEN;
                        case OPEN -> transition[1] == State.HALF_OPEN;
                        case HALF_OPEN -> transition[1] == State.CLOSED || transition[1] == State.OPEN;
                    };
            assertThat(allowed)
                    .as("transition %s -> %s", transition[0], transition[1])
                    .isTrue();
        }
    }
}

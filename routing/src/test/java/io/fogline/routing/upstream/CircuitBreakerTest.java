package io.fogline.routing.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.routing.upstream.CircuitBreaker.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final ManualClock clock = new ManualClock();
    private final List<State> changes = new ArrayList<>();
    private final CircuitBreaker breaker =
            new CircuitBreaker(3, Duration.ofSeconds(10), 1, clock, (from, to) -> changes.add(to));

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            breaker.tryAcquire().onFailure();
        }
    }

    @Test
    void opensAfterTheThresholdOfFailuresInARow() {
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        fail(1);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isNull();
        assertThat(changes).containsExactly(State.OPEN);
    }

    @Test
    void theListenerIsToldWithoutTheBreakersLock() {
        List<Boolean> locked = new ArrayList<>();
        CircuitBreaker[] watched = new CircuitBreaker[1];
        watched[0] = new CircuitBreaker(
                1, Duration.ofSeconds(10), 1, clock, (from, to) -> locked.add(Thread.holdsLock(watched[0])));
        watched[0].tryAcquire().onFailure();
        clock.advance(Duration.ofSeconds(10));
        watched[0].tryAcquire().onSuccess();

        assertThat(locked).containsExactly(false, false, false);
    }

    @Test
    void aSuccessResetsTheCountOfFailures() {
        fail(2);
        breaker.tryAcquire().onSuccess();
        fail(2);

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void halfOpensAfterThePauseAndLetsOneProbeThrough() {
        fail(3);
        clock.advance(Duration.ofSeconds(9));
        assertThat(breaker.tryAcquire()).isNull();

        clock.advance(Duration.ofSeconds(1));
        CircuitBreaker.Permit probe = breaker.tryAcquire();

        assertThat(probe).isNotNull();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.tryAcquire())
                .as("a second call while the probe runs")
                .isNull();
        probe.onSuccess();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(changes).containsExactly(State.OPEN, State.HALF_OPEN, State.CLOSED);
    }

    @Test
    void aFailedProbeOpensItAgainForAnotherPause() {
        fail(3);
        clock.advance(Duration.ofSeconds(10));

        breaker.tryAcquire().onFailure();

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        clock.advance(Duration.ofSeconds(5));
        assertThat(breaker.tryAcquire()).isNull();
        clock.advance(Duration.ofSeconds(5));
        assertThat(breaker.tryAcquire()).isNotNull();
    }

    @Test
    void reportsOfCallsPermittedBeforeAChangeAreIgnored() {
        CircuitBreaker.Permit slow = breaker.tryAcquire();
        fail(3);
        clock.advance(Duration.ofSeconds(10));
        CircuitBreaker.Permit probe = breaker.tryAcquire();

        slow.onSuccess();

        assertThat(breaker.state()).as("the stale success does not close it").isEqualTo(State.HALF_OPEN);
        probe.onFailure();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }
}

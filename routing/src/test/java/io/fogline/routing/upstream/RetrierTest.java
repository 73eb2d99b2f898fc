package io.fogline.routing.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {

    private final ManualClock clock = new ManualClock();
    private final List<Duration> waits = new ArrayList<>();
    private final Retrier.Sleeper sleeper = duration -> {
        waits.add(duration);
        clock.advance(duration);
    };
    private final CircuitBreaker breaker =
            new CircuitBreaker(100, Duration.ofSeconds(10), 1, clock, CircuitBreaker.Listener.NONE);

    private Retrier retrier(int maxRetries) {
        return new Retrier(
                maxRetries, new Backoff(Duration.ofMillis(10), Duration.ofMillis(40)), clock, sleeper, new Random(1));
    }

    private long deadlineIn(Duration budget) {
        return clock.getAsLong() + budget.toNanos();
    }

    @Test
    void retriesAFailingUpstreamAtMostMaxRetriesTimes() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> retrier(3).call(breaker, deadlineIn(Duration.ofSeconds(10)), remaining -> {
                    attempts.incrementAndGet();
                    throw new UpstreamException(UpstreamException.Kind.SERVER_ERROR, "HTTP 500");
                }))
                .isInstanceOf(UpstreamException.class)
                .hasMessage("HTTP 500");
        assertThat(attempts).hasValue(4);
        assertThat(waits).hasSize(3);
    }

    @Test
    void returnsTheFirstSuccessfulAnswer() throws UpstreamException {
        AtomicInteger attempts = new AtomicInteger();

        String answer = retrier(3).call(breaker, deadlineIn(Duration.ofSeconds(10)), remaining -> {
            if (attempts.incrementAndGet() < 3) {
                throw new UpstreamException(UpstreamException.Kind.UNREACHABLE, "refused");
            }
            return "answer";
        });

        assertThat(answer).isEqualTo("answer");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void doesNotRetryAClientError() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> retrier(3).call(breaker, deadlineIn(Duration.ofSeconds(10)), remaining -> {
                    attempts.incrementAndGet();
                    throw new UpstreamException(UpstreamException.Kind.CLIENT_ERROR, "HTTP 404");
                }))
                .hasMessage("HTTP 404");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void makesNoRetryWhoseWaitWouldEndPastTheDeadline() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> retrier(5).call(breaker, deadlineIn(Duration.ofMillis(30)), remaining -> {
                    attempts.incrementAndGet();
                    clock.advance(Duration.ofMillis(12));
                    throw new UpstreamException(UpstreamException.Kind.SERVER_ERROR, "HTTP 503");
                }))
                .hasMessage("HTTP 503");
        assertThat(attempts).hasValueLessThanOrEqualTo(2);
        assertThat(clock.getAsLong()).isLessThan(deadlineIn(Duration.ZERO) + 1);
    }

    @Test
    void givesEachTryTheTimeLeft() throws UpstreamException {
        List<Duration> budgets = new ArrayList<>();
        AtomicInteger attempts = new AtomicInteger();

        retrier(1).call(breaker, deadlineIn(Duration.ofMillis(100)), remaining -> {
            budgets.add(remaining);
            clock.advance(Duration.ofMillis(20));
            if (attempts.incrementAndGet() == 1) {
                throw new UpstreamException(UpstreamException.Kind.TIMEOUT, "slow");
            }
            return "ok";
        });

        assertThat(budgets.get(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(budgets.get(1)).isEqualTo(Duration.ofMillis(80).minus(waits.get(0)));
    }

    @Test
    void anOpenBreakerRefusesWithoutCalling() {
        CircuitBreaker tripped = new CircuitBreaker(1, Duration.ofSeconds(10), 1, clock, CircuitBreaker.Listener.NONE);
        tripped.tryAcquire().onFailure();
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> retrier(3).call(tripped, deadlineIn(Duration.ofSeconds(1)), remaining -> {
                    attempts.incrementAndGet();
                    return "never";
                }))
                .isInstanceOfSatisfying(UpstreamException.class, e -> assertThat(e.kind())
                        .isEqualTo(UpstreamException.Kind.BREAKER_OPEN));
        assertThat(attempts).hasValue(0);
    }
}

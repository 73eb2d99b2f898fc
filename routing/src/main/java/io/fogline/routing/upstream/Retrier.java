package io.fogline.routing.upstream;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Calls an upstream through its circuit breaker, retrying failures that another try may cure, with {@link Backoff}
 * between tries, and never past a deadline: a retry whose wait would end after the deadline is not made.
 */
public final class Retrier {

    /** One try, given the time left before the deadline. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(Duration remaining) throws UpstreamException;
    }

    @FunctionalInterface
    public interface Sleeper {
        Sleeper REAL = duration -> Thread.sleep(duration);

        void sleep(Duration duration) throws InterruptedException;
    }

    private final int maxRetries;
    private final Backoff backoff;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    public Retrier(int maxRetries, Backoff backoff, LongSupplier nanoClock, Sleeper sleeper, RandomGenerator random) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, got " + maxRetries);
        }
        this.maxRetries = maxRetries;
        this.backoff = backoff;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.random = random;
    }

    /**
     * @param deadlineNanos when the budget ends, on the clock this retrier was given
     * @return the first successful try's answer
     * @throws UpstreamException the last failure, {@link UpstreamException.Kind#BREAKER_OPEN} when the breaker refused
     *     the call, or {@link UpstreamException.Kind#TIMEOUT} when the budget ended before a try
     */
    public <T> T call(CircuitBreaker breaker, long deadlineNanos, Attempt<T> attempt) throws UpstreamException {
        UpstreamException last = null;
        for (int retry = 0; ; retry++) {
            long remaining = deadlineNanos - nanoClock.getAsLong();
            if (remaining <= 0) {
                throw last != null ? last : new UpstreamException(UpstreamException.Kind.TIMEOUT, "no time left");
            }
            CircuitBreaker.Permit permit = breaker.tryAcquire();
            if (permit == null) {
                throw last != null
                        ? last
                        : new UpstreamException(UpstreamException.Kind.BREAKER_OPEN, "the circuit breaker is open");
            }
            try {
                T answer = attempt.run(Duration.ofNanos(remaining));
                permit.onSuccess();
                return answer;
            } catch (UpstreamException e) {
                permit.onFailure();
                last = e;
                if (!e.kind().retryable() || retry == maxRetries) {
                    throw e;
                }
            }
            Duration wait = backoff.delay(retry + 1, random);
            if (nanoClock.getAsLong() + wait.toNanos() >= deadlineNanos) {
                throw last;
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw last;
            }
        }
    }
}

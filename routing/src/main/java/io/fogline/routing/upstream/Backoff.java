package io.fogline.routing.upstream;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: the n-th retry waits a random time between half and all of
 * {@code min(max, initial × 2^(n-1))}, so that clients that failed together do not retry together, and no wait is
 * shorter than half its step.
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 <= initial <= max, got " + initial + " and " + max);
        }
    }

    /** @param retry 1 for the first retry */
    public Duration delay(int retry, RandomGenerator random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1, got " + retry);
        }
        long step = initial.toNanos();
        for (int i = 1; i < retry && step < max.toNanos(); i++) {
            step *= 2;
        }
        step = Math.min(step, max.toNanos());
        long half = step / 2;
        return Duration.ofNanos(half + (step - half == 0 ? 0 : random.nextLong(step - half + 1)));
    }
}

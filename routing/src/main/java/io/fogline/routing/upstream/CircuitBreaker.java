package io.fogline.routing.upstream;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops calling an upstream that keeps failing, and tries it again after a pause. Closed: calls pass, and
 * {@code failureThreshold} failures in a row open it. Open: calls are refused until {@code openDuration} has passed,
 * then the breaker is half-open. Half-open: up to {@code halfOpenProbes} calls pass at once; the first to succeed
 * closes it, the first to fail opens it again for another {@code openDuration}.
 *
 * <p>Each {@link Permit} must be followed by exactly one {@link Permit#onSuccess} or {@link Permit#onFailure}. Reports
 * of calls permitted before the last change of state are ignored: they say nothing of the upstream as it is now.
 */
public final class CircuitBreaker {

    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    /**
     * Told of every change of state, after the breaker's lock is released, so that a listener that writes or waits
     * holds up no call. Two changes made at once by two threads may be told in either order.
     */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (from, to) -> {};

        void changed(State from, State to);
    }

    /** A permission to call; reports go through it so that a stale one can be told from a current one. */
    public final class Permit {
        private final long generation;

        private Permit(long generation) {
            this.generation = generation;
        }

        public void onSuccess() {
            succeeded(generation);
        }

        public void onFailure() {
            failed(generation);
        }
    }

    private final int failureThreshold;
    private final long openNanos;
    private final int halfOpenProbes;
    private final LongSupplier nanoClock;
    private final Listener listener;

    private State state = State.CLOSED;
    /** Counts changes of state; a permit of an older generation reports to nothing. */
    private long generation;

    private int consecutiveFailures;
    private long openedAt;
    private int probesInFlight;

    /** @param nanoClock the time in nanoseconds, {@code System::nanoTime} outside tests */
    public CircuitBreaker(
            int failureThreshold,
            Duration openDuration,
            int halfOpenProbes,
            LongSupplier nanoClock,
            Listener listener) {
        if (failureThreshold < 1 || halfOpenProbes < 1 || openDuration.isNegative()) {
            throw new IllegalArgumentException(
                    "failureThreshold and halfOpenProbes must be at least 1, openDuration" + " must not be negative");
        }
        this.failureThreshold = failureThreshold;
        this.openNanos = openDuration.toNanos();
        this.halfOpenProbes = halfOpenProbes;
        this.nanoClock = nanoClock;
        this.listener = listener;
    }

    /** A permit to call, or null when the breaker refuses the call. */
    public Permit tryAcquire() {
        Permit permit;
        State previous = null;
        synchronized (this) {
            if (state == State.OPEN && nanoClock.getAsLong() - openedAt >= openNanos) {
                previous = moveTo(State.HALF_OPEN);
            }
            permit = permitNow();
        }
        tell(previous, State.HALF_OPEN);
        return permit;
    }

    private Permit permitNow() {
        if (state == State.OPEN) {
            return null;
        }
        if (state == State.HALF_OPEN) {
            if (probesInFlight >= halfOpenProbes) {
                return null;
            }
            probesInFlight++;
        }
        return new Permit(generation);
    }

    /** The state as of the last call or report; an open breaker whose pause is over turns half-open on its next call. */
    public synchronized State state() {
        return state;
    }

    private void succeeded(long permitGeneration) {
        State previous = null;
        synchronized (this) {
            if (permitGeneration != generation) {
                return;
            }
            if (state == State.HALF_OPEN) {
                previous = moveTo(State.CLOSED);
            } else {
                consecutiveFailures = 0;
            }
        }
        tell(previous, State.CLOSED);
    }

    private void failed(long permitGeneration) {
        State previous = null;
        synchronized (this) {
            if (permitGeneration != generation) {
                return;
            }
            if (state == State.HALF_OPEN || ++consecutiveFailures >= failureThreshold) {
                previous = moveTo(State.OPEN);
            }
        }
        tell(previous, State.OPEN);
    }

    /** @param previous the state before a change to {@code next}, or null when there was none */
    private void tell(State previous, State next) {
        if (previous != null) {
            listener.changed(previous, next);
        }
    }

    /** @return the state before */
    private State moveTo(State next) {
        State previous = state;
        state = next;
        generation++;
        consecutiveFailures = 0;
        probesInFlight = 0;
        if (next == State.OPEN) {
            openedAt = nanoClock.getAsLong();
        }
        return previous;
    }
}

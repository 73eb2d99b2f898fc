package io.fogline.control.rollout;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Advances a rollout when a report ends one of its actions, at most one advance at a time per rollout in this
 * process: a report that arrives while one runs makes it run once more afterwards, so every report is judged by an
 * advance that started after it was stored. Without this, each switched report queued on the rollout's row lock: with
 * 10,000 simulated devices switching, every database connection waited on that lock and polls starved behind them.
 */
public final class RolloutAdvancer {

    private final Rollouts engine;
    private final ConcurrentMap<Long, AtomicInteger> requests = new ConcurrentHashMap<>();

    public RolloutAdvancer(Rollouts engine) {
        this.engine = engine;
    }

    /** Advances rollout {@code id} now, or leaves it to the advance already running, which then runs again. */
    public void request(long id) {
        AtomicInteger pending = requests.computeIfAbsent(id, key -> new AtomicInteger());
        if (pending.getAndIncrement() > 0) {
            return;
        }
        try {
            int seen;
            do {
                seen = pending.get();
                engine.advance(id);
            } while (pending.addAndGet(-seen) > 0);
        } catch (RuntimeException e) {
            // the timer's next step advances it; a later report must be able to run it again
            pending.set(0);
            throw e;
        }
    }
}

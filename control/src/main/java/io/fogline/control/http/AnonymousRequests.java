package io.fogline.control.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests in flight that carry no credential, per client address and in all, and refuses those over
 * either limit before their body is read: a neighbour who opens stalled enrolments holds a few request slots, never
 * the control plane.
 */
final class AnonymousRequests {

    private final int perClient;
    private final int total;
    private final ConcurrentHashMap<String, AtomicInteger> byClient = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    AnonymousRequests(int perClient, int total) {
        this.perClient = perClient;
        this.total = total;
    }

    /** A request that holds a slot until it is closed. */
    interface Ticket extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes a slot for a request from {@code client}, or refuses it with 429 (that client) or 503 (everyone). */
    Ticket admit(String client) {
        AtomicInteger mine = byClient.compute(client, (address, count) -> {
            AtomicInteger held = count == null ? new AtomicInteger() : count;
            held.incrementAndGet();
            return held;
        });
        Ticket ticket = () -> {
            inFlight.decrementAndGet();
            byClient.computeIfPresent(client, (address, count) -> count.decrementAndGet() == 0 ? null : count);
        };
        int all = inFlight.incrementAndGet();
        if (mine.get() > perClient) {
            ticket.close();
            throw new HttpError(
                    429,
                    "too many requests without a credential in flight from " + client + " (at most " + perClient + ")");
        }
        if (all > total) {
            ticket.close();
            throw new HttpError(503, "too many requests without a credential in flight (at most " + total + ")");
        }
        return ticket;
    }
}

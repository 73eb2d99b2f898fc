package io.fogline.bench.serving;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A closed-loop load: each of N client threads sends a request, waits for its answer and sends the next at once, or
 * after a pause when one is given (a client with think time; the pause is not part of any latency). All
 * clients run through a warm-up and then a measured window; a request counts when it completes inside the window, so
 * throughput is completions per second of the window and needs no correction for requests cut by its edges.
 */
final class ClosedLoopLoad {

    /** Makes the exchange of one client, on that client's thread (a connection, or buffers of its own). */
    @FunctionalInterface
    interface ExchangeFactory {
        Exchange open() throws IOException;
    }

    /** Told on the coordinating thread when the measured window opens and when it closes, e.g. to read counters. */
    interface WindowListener {
        void opened() throws IOException;

        void closed() throws IOException;
    }

    private ClosedLoopLoad() {}

    /**
     * @param pause how long each client waits between an answer and its next request; zero for none
     * @throws IOException the first failure of any client; a window with a failed request has no valid figures
     */
    static LoadResult run(
            int clients,
            ExchangeFactory factory,
            Duration pause,
            Duration warmup,
            Duration measured,
            WindowListener listener)
            throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        // Clients outlive the window, so that the listener reads their CPU time while their threads still exist.
        CountDownLatch windowClosed = new CountDownLatch(1);
        long[] timeline = new long[2];
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<LatencyLog> logs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            LatencyLog log = new LatencyLog();
            logs.add(log);
            threads.add(Thread.ofPlatform().name("load-client-" + i).start(() -> {
                boolean opened = false;
                try (Exchange exchange = factory.open()) {
                    opened = true;
                    connected.countDown();
                    go.await();
                    drive(exchange, pause.toNanos(), timeline[0], timeline[1], log);
                    windowClosed.await();
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                    if (!opened) {
                        connected.countDown();
                    }
                }
            }));
        }
        connected.await();
        long now = System.nanoTime();
        timeline[0] = now + warmup.toNanos();
        timeline[1] = timeline[0] + measured.toNanos();
        // The latch publishes the timeline to the clients.
        go.countDown();
        try {
            sleepUntil(timeline[0]);
            listener.opened();
            sleepUntil(timeline[1]);
            listener.closed();
        } finally {
            windowClosed.countDown();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IOException("a client failed: " + failure.get().getMessage(), failure.get());
        }
        long[] all =
                logs.stream().flatMapToLong(log -> Arrays.stream(log.values())).toArray();
        return LoadResult.of(clients, all, measured.toNanos() / 1e9);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }

    private static void drive(Exchange exchange, long pauseNanos, long measureFrom, long measureUntil, LatencyLog log)
            throws IOException {
        long sent = System.nanoTime();
        while (sent < measureUntil) {
            exchange.exchange();
            long answered = System.nanoTime();
            if (answered >= measureFrom && answered < measureUntil) {
                log.add(answered - sent);
            }
            if (pauseNanos > 0) {
                LockSupport.parkNanos(pauseNanos);
                sent = System.nanoTime();
            } else {
                sent = answered;
            }
        }
    }

    /** One client's latencies, kept as primitives so that recording allocates nothing while the window runs. */
    private static final class LatencyLog {
        private long[] values = new long[1 << 14];
        private int size;

        void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        long[] values() {
            return Arrays.copyOf(values, size);
        }
    }
}

package io.fogline.listener;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds the listener to its {@link ConnectionLimits}: closes connections past the caps as they arrive, a connection
 * that sends no request within the request timeout (headers dripped byte by byte never finish one), a request whose
 * body has not arrived by then, and a connection idle for the idle timeout. Idle means no request in flight: Vert.x's
 * own idle timeout counts the time a handler takes to answer as idleness too, and closed the connection of any request
 * answered later than it (a rollout opening a wave of 100,000 devices, a model loading), leaving the client an empty
 * reply.
 *
 * <p>Each connection has one {@link Use} for its life, and one periodic sweep finds the connections to close; a request
 * costs a lookup, a counter and a clock reading, and neither a timer nor an allocation. A timer per request with a body
 * (set, then cancelled when the body ended) and a response end handler allocated per request took 3-4% of the event
 * loop's CPU time serving the tiny MLP to one client (JFR, bench/profile-serving.sh), more than the guard's lookups.
 */
public final class ConnectionGuard implements AutoCloseable {

    private final Vertx vertx;
    private final ConnectionLimits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, AtomicInteger> byClient = new ConcurrentHashMap<>();
    private final Map<HttpConnection, Use> uses = new ConcurrentHashMap<>();
    private final long sweeper;

    /**
     * What a connection is doing: whether it has sent a request yet, the requests it has in flight, since when it has had
     * none, and its latest request that began with its body still coming (the sweep asks whether the body has come). It
     * is its responses' end handler too.
     */
    private static final class Use implements Handler<Void> {
        final AtomicInteger inFlight = new AtomicInteger();
        volatile long idleSince = System.nanoTime();
        volatile boolean requested;
        /** Written before {@link #receiving}, so that a sweep that reads the request reads its start or a later one. */
        volatile long receivingSince;

        volatile HttpServerRequest receiving;

        void started(HttpServerRequest request) {
            if (!requested) {
                requested = true;
            }
            inFlight.incrementAndGet();
            if (request.isEnded()) {
                receiving = null;
            } else {
                receivingSince = System.nanoTime();
                receiving = request;
            }
            request.response().endHandler(this);
        }

        /** Its response has ended. */
        @Override
        public void handle(Void ended) {
            idleSince = System.nanoTime();
            inFlight.decrementAndGet();
        }

        boolean overdue(long now, ConnectionLimits limits) {
            HttpServerRequest request = receiving;
            if (request != null
                    && now - receivingSince >= limits.requestTimeout().toNanos()
                    && !request.isEnded()) {
                return true;
            }
            if (inFlight.get() > 0) {
                return false;
            }
            long idle = requested
                    ? limits.idleTimeout().toNanos()
                    : Math.min(
                            limits.idleTimeout().toNanos(),
                            limits.requestTimeout().toNanos());
            return now - idleSince >= idle;
        }
    }

    public ConnectionGuard(Vertx vertx, ConnectionLimits limits) {
        this.vertx = vertx;
        this.limits = limits;
        this.sweeper = vertx.setPeriodic(sweepEvery(limits).toMillis(), fired -> closeOverdue());
    }

    /**
     * HTTP/1.1 from a connection's first byte. With cleartext HTTP/2 on (Vert.x's default) a connection becomes one
     * only once its first bytes tell the two apart, so a silent socket would reach neither the caps nor the
     * first-request timeout.
     */
    public static HttpServerOptions guarded(HttpServerOptions options) {
        return options.setHttp2ClearTextEnabled(false);
    }

    /**
     * A quarter of the shorter of the two timeouts, within 100 ms to 1 s: a connection is closed at most that late.
     */
    static Duration sweepEvery(ConnectionLimits limits) {
        long quarter = Math.min(
                        limits.idleTimeout().toMillis(), limits.requestTimeout().toMillis())
                / 4;
        return Duration.ofMillis(Math.max(100, Math.min(1000, quarter)));
    }

    public void accept(HttpConnection connection) {
        String client = connection.remoteAddress() == null
                ? ""
                : connection.remoteAddress().hostAddress();
        int all = open.incrementAndGet();
        int mine =
                byClient.computeIfAbsent(client, address -> new AtomicInteger()).incrementAndGet();
        connection.closeHandler(closed -> {
            open.decrementAndGet();
            byClient.computeIfPresent(client, (address, count) -> count.decrementAndGet() == 0 ? null : count);
            uses.remove(connection);
        });
        if (all > limits.maxConnections() || mine > limits.maxConnectionsPerClient()) {
            connection.close();
            return;
        }
        uses.put(connection, new Use());
    }

    /** A request has begun: its connection is no longer silent, and a body still coming must end in time. */
    public void requestStarted(HttpServerRequest request) {
        Use use = uses.get(request.connection());
        if (use != null) {
            use.started(request);
        }
    }

    private void closeOverdue() {
        long now = System.nanoTime();
        uses.forEach((connection, use) -> {
            if (use.overdue(now, limits)) {
                connection.close();
            }
        });
    }

    /** Stops looking for connections to close; the listener's own closing closes the connections. */
    @Override
    public void close() {
        vertx.cancelTimer(sweeper);
    }
}

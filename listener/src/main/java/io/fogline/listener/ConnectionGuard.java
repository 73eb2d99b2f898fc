package io.fogline.listener;

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
 * reply. Only connections that wait for their first request and requests with a body still coming cost a timer; a
 * plain keep-alive request costs a lookup and a counter, and one periodic sweep finds the idle connections.
 */
public final class ConnectionGuard implements AutoCloseable {

    private final Vertx vertx;
    private final ConnectionLimits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, AtomicInteger> byClient = new ConcurrentHashMap<>();
    /** Connections that have not sent a request yet, and the timer that closes them. */
    private final Map<HttpConnection, Long> awaitingFirstRequest = new ConcurrentHashMap<>();

    private final Map<HttpConnection, Use> uses = new ConcurrentHashMap<>();
    private final long sweeper;

    /** What a connection is doing: the requests it has in flight, and since when it has had none. */
    private static final class Use {
        final AtomicInteger inFlight = new AtomicInteger();
        volatile long idleSince = System.nanoTime();

        void answered() {
            idleSince = System.nanoTime();
            inFlight.decrementAndGet();
        }
    }

    public ConnectionGuard(Vertx vertx, ConnectionLimits limits) {
        this.vertx = vertx;
        this.limits = limits;
        this.sweeper = vertx.setPeriodic(sweepEvery(limits.idleTimeout()).toMillis(), fired -> closeIdle());
    }

    /**
     * HTTP/1.1 from a connection's first byte. With cleartext HTTP/2 on (Vert.x's default) a connection becomes one
     * only once its first bytes tell the two apart, so a silent socket would reach neither the caps nor the
     * first-request timeout.
     */
    public static HttpServerOptions guarded(HttpServerOptions options) {
        return options.setHttp2ClearTextEnabled(false);
    }

    /** A quarter of the idle timeout, within 100 ms to 1 s: a connection is closed at most that late. */
    static Duration sweepEvery(Duration idleTimeout) {
        long quarter = idleTimeout.toMillis() / 4;
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
            Long timer = awaitingFirstRequest.remove(connection);
            if (timer != null) {
                vertx.cancelTimer(timer);
            }
        });
        if (all > limits.maxConnections() || mine > limits.maxConnectionsPerClient()) {
            connection.close();
            return;
        }
        uses.put(connection, new Use());
        awaitingFirstRequest.put(
                connection, vertx.setTimer(limits.requestTimeout().toMillis(), fired -> {
                    if (awaitingFirstRequest.remove(connection) != null) {
                        connection.close();
                    }
                }));
    }

    /** A request has begun: its connection is no longer silent, and a body still coming must end in time. */
    public void requestStarted(HttpServerRequest request) {
        Use use = uses.get(request.connection());
        if (use != null) {
            use.inFlight.incrementAndGet();
            request.response().endHandler(ended -> use.answered());
        }
        if (!awaitingFirstRequest.isEmpty()) {
            Long timer = awaitingFirstRequest.remove(request.connection());
            if (timer != null) {
                vertx.cancelTimer(timer);
            }
        }
        if (!request.isEnded()) {
            long timer = vertx.setTimer(limits.requestTimeout().toMillis(), fired -> {
                if (!request.isEnded()) {
                    request.connection().close();
                }
            });
            request.end().onComplete(ended -> vertx.cancelTimer(timer));
        }
    }

    private void closeIdle() {
        long now = System.nanoTime();
        long idle = limits.idleTimeout().toNanos();
        uses.forEach((connection, use) -> {
            if (use.inFlight.get() == 0 && now - use.idleSince >= idle) {
                connection.close();
            }
        });
    }

    /** Stops looking for idle connections; the listener's own closing closes the connections. */
    @Override
    public void close() {
        vertx.cancelTimer(sweeper);
    }
}

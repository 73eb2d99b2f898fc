package io.fogline.listener;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds the listener to its {@link ConnectionLimits}: closes connections past the caps as they arrive, a connection
 * that sends no request within the request timeout (headers dripped byte by byte never finish one), and a request
 * whose body has not arrived by then. Idle connections are Vert.x's idle timeout's. Only connections that wait for
 * their first request and requests with a body still coming cost a timer; a plain keep-alive request costs a lookup.
 */
public final class ConnectionGuard {

    private final Vertx vertx;
    private final ConnectionLimits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, AtomicInteger> byClient = new ConcurrentHashMap<>();
    /** Connections that have not sent a request yet, and the timer that closes them. */
    private final Map<HttpConnection, Long> awaitingFirstRequest = new ConcurrentHashMap<>();

    public ConnectionGuard(Vertx vertx, ConnectionLimits limits) {
        this.vertx = vertx;
        this.limits = limits;
    }

    /**
     * The server options the guard needs: the limits' idle timeout, and HTTP/1.1 from a connection's first byte.
     * With cleartext HTTP/2 on (Vert.x's default) a connection becomes one only once its first bytes tell the two
     * apart, so a silent socket would reach neither the caps nor the first-request timeout.
     */
    public static HttpServerOptions guarded(HttpServerOptions options, ConnectionLimits limits) {
        return options.setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) limits.idleTimeout().toSeconds());
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
            Long timer = awaitingFirstRequest.remove(connection);
            if (timer != null) {
                vertx.cancelTimer(timer);
            }
        });
        if (all > limits.maxConnections() || mine > limits.maxConnectionsPerClient()) {
            connection.close();
            return;
        }
        awaitingFirstRequest.put(
                connection, vertx.setTimer(limits.requestTimeout().toMillis(), fired -> {
                    if (awaitingFirstRequest.remove(connection) != null) {
                        connection.close();
                    }
                }));
    }

    /** A request has begun: its connection is no longer silent, and a body still coming must end in time. */
    public void requestStarted(HttpServerRequest request) {
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
}

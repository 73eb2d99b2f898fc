package io.fogline.control.http;

import io.fogline.listener.ConnectionLimits;
import java.time.Duration;

/**
 * What one client, or all of them together, may hold of the control plane's listener, so that a network neighbour
 * cannot make it deaf or grow it without bound.
 *
 * @param connections the caps on open connections, in all and per client address, and the idle and request timeouts;
 *     the request timeout also bounds an upload's time
 * @param maxAnonymousPerClient requests in flight at once from one address on the routes that need no credential;
 *     more are answered 429 before their body is read
 * @param maxAnonymous requests in flight at once on those routes from all addresses together; more are answered 503
 */
public record ListenerLimits(ConnectionLimits connections, int maxAnonymousPerClient, int maxAnonymous) {

    public static ListenerLimits defaults() {
        return new ListenerLimits(
                new ConnectionLimits(4096, 256, Duration.ofSeconds(30), Duration.ofSeconds(120)), 8, 256);
    }

    public ListenerLimits {
        if (maxAnonymousPerClient < 1 || maxAnonymous < 1) {
            throw new IllegalArgumentException("request limits must be at least 1");
        }
    }

    public ListenerLimits withRequestTimeout(Duration timeout) {
        return withConnections(new ConnectionLimits(
                connections.maxConnections(),
                connections.maxConnectionsPerClient(),
                connections.idleTimeout(),
                timeout));
    }

    public ListenerLimits withMaxConnections(int total, int perClient) {
        return withConnections(
                new ConnectionLimits(total, perClient, connections.idleTimeout(), connections.requestTimeout()));
    }

    private ListenerLimits withConnections(ConnectionLimits limits) {
        return new ListenerLimits(limits, maxAnonymousPerClient, maxAnonymous);
    }
}

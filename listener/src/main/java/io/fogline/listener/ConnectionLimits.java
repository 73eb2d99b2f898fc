package io.fogline.listener;

import java.time.Duration;

/**
 * What clients may hold of the node's HTTP listener, so that neighbours cannot make it deaf: the 20,000 idle
 * sockets did, against a 300 s idle timeout and no cap.
 *
 * @param maxConnections open connections beyond this are closed as they are accepted
 * @param maxConnectionsPerClient open connections from one address beyond this are closed as they are accepted
 * @param idleTimeout a connection with nothing sent either way for this long is closed
 * @param requestTimeout the longest from a connection's opening to its first request, and from a request's start to
 *     the end of its body: a client that drips its headers or stalls its body is disconnected after it
 */
public record ConnectionLimits(
        int maxConnections, int maxConnectionsPerClient, Duration idleTimeout, Duration requestTimeout) {

    public ConnectionLimits {
        if (maxConnections < 1 || maxConnectionsPerClient < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        if (idleTimeout.toSeconds() < 1 || requestTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("the idle timeout must be at least 1 s, the request timeout 100 ms");
        }
    }

    public static ConnectionLimits defaults() {
        return new ConnectionLimits(4096, 256, Duration.ofSeconds(60), Duration.ofSeconds(60));
    }
}

package io.fogline.control.http;

import java.time.Duration;
import java.util.Map;
import java.util.logging.Logger;

/**
 * What one client, or all of them together, may hold of the control plane's listener, so that a network neighbour
 * cannot make it deaf or grow it without bound.
 *
 * @param maxConnections open connections beyond this are closed as they are accepted
 * @param requestTimeout the longest a request may take from its first byte to the last byte of its body; a client
 *     that stalls in its headers or body is disconnected after it (this also bounds an upload's time)
 * @param idleTimeout a keep-alive connection with no request for this long is closed
 * @param maxAnonymousPerClient requests in flight at once from one address on the routes that need no credential;
 *     more are answered 429 before their body is read
 * @param maxAnonymous requests in flight at once on those routes from all addresses together; more are answered 503
 */
public record ListenerLimits(
        int maxConnections,
        Duration requestTimeout,
        Duration idleTimeout,
        int maxAnonymousPerClient,
        int maxAnonymous) {

    private static final Logger LOG = Logger.getLogger(ListenerLimits.class.getName());

    public static ListenerLimits defaults() {
        return new ListenerLimits(4096, Duration.ofSeconds(120), Duration.ofSeconds(30), 8, 256);
    }

    public ListenerLimits {
        if (maxConnections < 1 || maxAnonymousPerClient < 1 || maxAnonymous < 1) {
            throw new IllegalArgumentException("connection and request limits must be at least 1");
        }
        if (requestTimeout.toSeconds() < 1 || idleTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("timeouts must be at least 1 second");
        }
    }

    public ListenerLimits withRequestTimeout(Duration timeout) {
        return new ListenerLimits(maxConnections, timeout, idleTimeout, maxAnonymousPerClient, maxAnonymous);
    }

    public ListenerLimits withMaxConnections(int connections) {
        return new ListenerLimits(connections, requestTimeout, idleTimeout, maxAnonymousPerClient, maxAnonymous);
    }

    /**
     * The JDK's HTTP server reads its limits from system properties once, when the first server of the process starts:
     * they are set here unless the process was started with them ({@code -D} wins), and a second server in the same
     * process with other limits is told that the first one's hold.
     */
    void applyToJdkServer() {
        Map<String, String> wanted = Map.of(
                "jdk.httpserver.maxConnections", String.valueOf(maxConnections),
                "sun.net.httpserver.maxReqTime", String.valueOf(requestTimeout.toSeconds()),
                "sun.net.httpserver.idleInterval", String.valueOf(idleTimeout.toSeconds()),
                "sun.net.httpserver.maxReqHeaders", "100",
                // how often idle and stalled connections are looked for: every 10 s by default, which lets a flood of
                // silent connections live that much longer than the timeouts
                "sun.net.httpserver.clockTick", "1000",
                "sun.net.httpserver.maxReqHeaderSize", String.valueOf(64 * 1024));
        wanted.forEach((property, value) -> {
            String held = System.getProperty(property);
            if (held == null) {
                System.setProperty(property, value);
            } else if (!held.equals(value)) {
                LOG.warning(property + " stays " + held + " (set before this listener asked for " + value + ")");
            }
        });
    }
}

package io.fogline.control;

import io.fogline.control.http.ListenerLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A control plane on SQLite in a process of its own, for the tests that attack its listener and read its resident
 * memory. Arguments: data directory, request timeout in seconds, connection cap, connection cap per client address.
 * Prints {@code listening PORT} once it serves.
 */
public final class ListenerMain {

    private ListenerMain() {}

    public static void main(String[] args) throws Exception {
        ControlPlane control = ControlPlane.start(ControlOptions.defaults(Path.of(args[0]))
                .withHttp("127.0.0.1", 0)
                .withAdminToken(ControlHarness.ADMIN_TOKEN)
                .withListener(ListenerLimits.defaults()
                        .withRequestTimeout(Duration.ofSeconds(Long.parseLong(args[1])))
                        .withMaxConnections(Integer.parseInt(args[2]), Integer.parseInt(args[3]))));
        System.out.println("listening " + control.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}

package io.fogline.control;

import io.fogline.control.registry.S3BlobStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A control plane replica in a process of its own, for the tests that kill one: arguments are its data directory,
 * the PostgreSQL URL, the S3 endpoint and its trust store; it prints {@code listening PORT} once it serves.
 */
public final class ReplicaMain {

    private ReplicaMain() {}

    public static void main(String[] args) throws Exception {
        ControlPlane control = ControlPlane.start(ControlOptions.defaults(Path.of(args[0]))
                .withDatabase(args[1])
                .withS3(new S3BlobStore.Settings(
                        S3Server.BUCKET, "blobs/", URI.create(args[2]), null, S3Server.KEY, S3Server.KEY))
                .withTrustStore(Path.of(args[3]))
                .withHttp("127.0.0.1", 0)
                .withAdminToken(ControlHarness.ADMIN_TOKEN)
                .withPollInterval(Duration.ofSeconds(1))
                .withTime(Clock.systemUTC(), Duration.ofMillis(200)));
        System.out.println("listening " + control.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}

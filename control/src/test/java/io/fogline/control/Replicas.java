package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.control.monitor.MonitorOptions;
import io.fogline.control.registry.S3BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Control plane replicas as a fleet runs them: one PostgreSQL database, one S3-compatible bucket, and a data
 * directory each that they share with no one. Replicas run in this JVM or, to be killed, in processes of their own.
 */
final class Replicas implements AutoCloseable {

    private final Path dir;
    private final TestStore.Created database;
    private final S3Server s3;
    private final SigningKey key = SigningKey.generate();
    private final Path trust;
    private final List<AutoCloseable> started = new ArrayList<>();

    Replicas(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.database = TestStore.POSTGRES.create();
        this.s3 = S3Server.start(dir.resolve("s3"));
        this.trust = dir.resolve("trust-store.json");
        TrustStore.of(key.trusted()).save(trust);
    }

    S3BlobStore.Settings bucket() {
        return new S3BlobStore.Settings(S3Server.BUCKET, "blobs/", s3.endpoint(), null, S3Server.KEY, S3Server.KEY);
    }

    /** A replica in this JVM, on {@code clock}, its timer stepping every {@code tick} (zero: the test steps it). */
    ControlPlane start(String name, Clock clock, Duration tick, MonitorOptions monitor) throws IOException {
        ControlPlane replica = ControlPlane.start(ControlOptions.defaults(dir.resolve(name))
                .withDatabase(database.url())
                .withS3(bucket())
                .withTrustStore(trust)
                .withHttp("127.0.0.1", 0)
                .withAdminToken(ControlHarness.ADMIN_TOKEN)
                .withPollInterval(Duration.ofSeconds(1))
                .withTime(clock, tick)
                .withMonitor(monitor));
        started.add(replica);
        return replica;
    }

    /** A replica in a process of its own (on the wall clock, its timer every 200 ms); returns it and its port. */
    Launched launch(String name) throws IOException, InterruptedException {
        Path log = Files.createDirectories(dir.resolve(name)).resolve("replica.log");
        Process process = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ReplicaMain.class.getName(),
                        dir.resolve(name).toString(),
                        database.url(),
                        s3.endpoint().toString(),
                        trust.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        started.add(process::destroyForcibly);
        Pattern listening = Pattern.compile("(?m)^listening (\\d+)$");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            Matcher found = listening.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (found.find()) {
                return new Launched(process, Integer.parseInt(found.group(1)));
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException(name + " did not start: " + Files.readString(log, StandardCharsets.UTF_8));
    }

    record Launched(Process process, int port) {}

    /** Publishes a signed bundle through the replica at {@code port}; returns its digest. */
    String publish(int port, String model, int version) {
        try {
            Path bundle = ControlHarness.pack(
                    model,
                    version,
                    Files.createTempDirectory(dir, "bundle"),
                    key,
                    "",
                    "{\"inputs\":{},\"outputs\":{}}");
            Http.Answer answer =
                    new Http(port, ControlHarness.ADMIN_TOKEN).postBytes("/api/v1/bundles", Files.readAllBytes(bundle));
            assertThat(answer.status()).as(answer.text()).isEqualTo(201);
            return answer.json().path("bundle").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SHA-256 of a file of a published bundle, from its manifest. */
    String publishedFile(int port, String bundle, String path) {
        for (com.fasterxml.jackson.databind.JsonNode file : new Http(port, ControlHarness.ADMIN_TOKEN)
                .get("/api/v1/bundles/" + bundle + "/manifest")
                .json()
                .path("files")) {
            if (file.path("path").asText().equals(path)) {
                return file.path("sha256").asText();
            }
        }
        throw new AssertionError("bundle " + bundle + " has no " + path);
    }

    /** Enrols a device through the replica at {@code port}, into {@code group}. */
    SimulatedDevice enrol(int port, String id, String group) {
        Http operator = new Http(port, ControlHarness.ADMIN_TOKEN);
        String token = operator.post("/api/v1/enrolment-tokens", Map.of("group", group))
                .json()
                .path("token")
                .asText();
        Http.Answer answer =
                new Http(port, null).post("/api/v1/enrol", Map.of("token", token, "device_id", id, "labels", Map.of()));
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        String credential = answer.json().path("credential").asText();
        return new SimulatedDevice(id, credential, new Http(port, credential), TrustStore.of(key.trusted()));
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable replica : started.reversed()) {
            replica.close();
        }
        s3.close();
        database.close();
    }
}

package io.fogline.control;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local S3-compatible server for the tests: s3rver, which the control module's build installs from npm into
 * {@code src/test/s3/node_modules}, run by Node.js on a free port with one bucket, its data in a directory of the test.
 */
public final class S3Server implements AutoCloseable {

    public static final String BUCKET = "fogline-blobs";
    /** s3rver's fixed credentials. */
    public static final String KEY = "S3RVER";

    private static final Path SERVER = Path.of("src/test/s3/node_modules/s3rver/bin/s3rver.js");
    private static final Pattern LISTENING = Pattern.compile("S3rver listening on [^:]+:(\\d+)");

    private final Process process;
    private final URI endpoint;

    private S3Server(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static S3Server start(Path directory) throws IOException, InterruptedException {
        if (!Files.exists(SERVER)) {
            throw new IllegalStateException(
                    SERVER.toAbsolutePath() + " is missing: the control module's build installs it (npm ci)");
        }
        Files.createDirectories(directory);
        Path log = directory.resolve("s3rver.log");
        Process process = new ProcessBuilder(List.of(
                        "node",
                        SERVER.toString(),
                        "-d",
                        directory.resolve("data").toString(),
                        "-a",
                        "127.0.0.1",
                        "-p",
                        "0",
                        "--configure-bucket",
                        BUCKET))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            Matcher listening = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (listening.find()) {
                return new S3Server(process, URI.create("http://127.0.0.1:" + listening.group(1)));
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("s3rver did not start: " + Files.readString(log, StandardCharsets.UTF_8));
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

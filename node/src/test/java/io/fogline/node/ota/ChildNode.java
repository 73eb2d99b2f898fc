package io.fogline.node.ota;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node in a child JVM ({@link OtaNodeMain}), so a test can kill it as {@code kill -9} would. */
final class ChildNode implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("ready port=([0-9]+)");

    private final Process process;
    private final Path log;

    private ChildNode(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the node; {@code haltAt} names the step at which it halts itself, or is null. */
    static ChildNode start(Path repository, Path data, URI control, Path trust, String device, Step haltAt, Path log)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                OtaNodeMain.class.getName(),
                repository.toString(),
                data.toString(),
                control.toString(),
                trust.toString(),
                device));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
        builder.environment().remove(CrashPoint.VARIABLE);
        if (haltAt != null) {
            builder.environment().put(CrashPoint.VARIABLE, haltAt.name().toLowerCase(java.util.Locale.ROOT));
        }
        return new ChildNode(builder.start(), log);
    }

    /** Waits for the node to answer requests; returns its HTTP port. */
    int awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            Matcher ready = READY.matcher(output());
            if (ready.find()) {
                return Integer.parseInt(ready.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the node exited with " + process.exitValue() + ":\n" + output());
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the node did not start:\n" + output());
    }

    /** Waits for the node to end by itself (a halt at a crash point); returns its exit status. */
    int awaitExit() throws InterruptedException, IOException {
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the node did not halt:\n" + output());
        }
        return process.exitValue();
    }

    /** Kills the process at once, as {@code kill -9} does. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}

package io.fogline.bench.serving;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Fogline node in a process of its own, started from the runnable jar the way {@code ./fogline node} starts it, so
 * the figures are those of the shipped server with its own JVM, heap and threads.
 */
public final class NodeProcess implements AutoCloseable {

    /** What the launcher would add from {@code FOGLINE_JAVA_OPTS}; empty when it is unset. */
    static List<String> extraJvmFlags() {
        String options = System.getenv("FOGLINE_JAVA_OPTS");
        return options == null || options.isBlank()
                ? List.of()
                : List.of(options.trim().split("\\s+"));
    }

    private static final Duration READY_POLL = Duration.ofMillis(10);

    /** The line {@code fogline node} prints once it listens. */
    private static final Pattern READY_LINE = Pattern.compile("fogline node ready on \\S+ in (\\d+) ms");

    private final Process process;
    private final long spawnedNanos;
    private final InetSocketAddress address;
    private final InetSocketAddress grpcAddress;
    private final Path log;

    private NodeProcess(
            Process process, long spawnedNanos, InetSocketAddress address, InetSocketAddress grpcAddress, Path log) {
        this.process = process;
        this.spawnedNanos = spawnedNanos;
        this.address = address;
        this.grpcAddress = grpcAddress;
        this.log = log;
    }

    /** Spawns the node; it is not ready yet, see {@link #awaitReady}. Its output goes to {@code log}. */
    static NodeProcess spawn(Path jar, Path repository, Path log) throws IOException {
        // The launcher itself, so the node runs with exactly the JVM flags a user's node gets.
        return spawnWithLauncher(
                jar.toAbsolutePath().getParent().getParent().getParent().resolve("fogline"), repository, log);
    }

    /** Spawns {@code <launcher> node} on a free port of 127.0.0.1; it is not ready yet, see {@link #awaitReady}. */
    public static NodeProcess spawnWithLauncher(Path launcher, Path repository, Path log) throws IOException {
        return spawnWithLauncher(launcher, repository, log, List.of());
    }

    /** As {@link #spawnWithLauncher(Path, Path, Path)}, with more options of {@code fogline node}. */
    static NodeProcess spawnWithLauncher(Path launcher, Path repository, Path log, List<String> options)
            throws IOException {
        int port = freePort();
        int grpcPort = freePort();
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(
                "node",
                "--model-repository",
                repository.toString(),
                "--http-address",
                "127.0.0.1",
                "--http-port",
                Integer.toString(port),
                "--grpc-port",
                Integer.toString(grpcPort),
                // the cascade benchmark reloads its edge model with each threshold it sweeps
                "--model-control-mode",
                "explicit"));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        long spawned = System.nanoTime();
        Process process = builder.start();
        return new NodeProcess(
                process,
                spawned,
                new InetSocketAddress("127.0.0.1", port),
                new InetSocketAddress("127.0.0.1", grpcPort),
                log);
    }

    /**
     * Polls {@code GET /v2/health/ready} every 10 ms until it answers 200.
     *
     * @return the time from spawning the process to that answer
     */
    public Duration awaitReady(Duration timeout) throws IOException, InterruptedException {
        byte[] probe = HttpExchange.get(address, "/v2/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the node exited with " + process.exitValue() + "; its output:\n" + output());
            }
            try (HttpExchange exchange = new HttpExchange(address, probe)) {
                if (exchange.send() == 200) {
                    return Duration.ofNanos(System.nanoTime() - spawnedNanos);
                }
            } catch (IOException notListeningYet) {
                // The node listens only once its models are loaded: refused connections are the normal wait.
            }
            Thread.sleep(READY_POLL);
        }
        throw new IOException("the node was not ready after " + timeout + "; its output:\n" + output());
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Where the node serves gRPC. */
    public InetSocketAddress grpcAddress() {
        return grpcAddress;
    }

    long pid() {
        return process.pid();
    }

    /** The node's resident memory (VmRSS), native allocations of ONNX Runtime included. */
    long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + process.pid() + "/status");
    }

    /** The start time the node logs itself, from its main method to listening, or null when it logged none. */
    Duration readyInMain() throws IOException {
        Matcher ready = READY_LINE.matcher(output());
        return ready.find() ? Duration.ofMillis(Long.parseLong(ready.group(1))) : null;
    }

    /**
     * The sum of a Prometheus series on the node's {@code /metrics}, e.g. a timer's {@code _sum}; NaN when absent.
     *
     * @param seriesPrefix the series name and the start of its labels, e.g. {@code name{model="m"}
     */
    double metric(String seriesPrefix) throws IOException {
        try (HttpExchange exchange = new HttpExchange(address, HttpExchange.get(address, "/metrics"))) {
            exchange.exchange();
            for (String line : new String(exchange.lastResponse().body(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith(seriesPrefix)) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return Double.NaN;
    }

    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Stops the node as an operator would, with SIGTERM, so it closes its sessions; kills it if that hangs. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}

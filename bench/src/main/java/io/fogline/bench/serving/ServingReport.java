package io.fogline.bench.serving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The figures of one run of {@link ServingBenchmark}, rendered as the {@code ## Serving (issue 2)} section of
 * docs/benchmarks.md. Targets are judged here, from the measured figures, in one place.
 */
final class ServingReport {

    static final String SECTION = "## Serving (issue 2)";

    /** One load window's figures; {@code baseline} is the raw ONNX Runtime figure it is compared with, or null. */
    record Comparison(String workload, int clients, String path, LoadResult result, LoadResult baseline) {}

    /**
     * @param readyInMainMillis the node's own figure, from its main method to listening; -1 when it logged none
     * @param modelLoadMillis loading and warming up MiniLM, by the node's {@code /metrics}; -1 when absent
     * @param othersCpuPercent the share of the machine's CPUs other processes took while the node started
     */
    record StartupRun(
            Duration ready,
            long readyInMainMillis,
            long modelLoadMillis,
            long othersCpuPercent,
            long residentAtReady,
            long residentAfterRequests) {}

    record CodecResult(String benchmark, String encoding, double nanosPerOp, double error) {}

    private record Target(String goal, String measured, boolean met) {}

    private final Machine machine;
    private final String method;
    private final List<Comparison> overhead = new ArrayList<>();
    private final List<Comparison> batching = new ArrayList<>();
    private final List<Comparison> telemetry = new ArrayList<>();
    private long telemetryBatches;
    private final List<StartupRun> startups = new ArrayList<>();
    private final List<CodecResult> codec = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();
    private String loadAverageAtEnd = "";

    ServingReport(Machine machine, String method) {
        this.machine = machine;
        this.method = method;
    }

    void addOverhead(Comparison comparison) {
        overhead.add(comparison);
    }

    void addBatching(Comparison comparison) {
        batching.add(comparison);
    }

    void addTelemetry(Comparison comparison) {
        telemetry.add(comparison);
    }

    /** Telemetry batches the control plane took from the enrolled node while its windows ran. */
    void telemetryBatches(long batches) {
        telemetryBatches = batches;
    }

    void addStartup(StartupRun run) {
        startups.add(run);
    }

    void addCodec(CodecResult result) {
        codec.add(result);
    }

    void finish() {
        loadAverageAtEnd = Machine.loadAverage();
        judgeTargets();
    }

    private void judgeTargets() {
        for (String path : List.of(ServingBenchmark.HTTP_BINARY, ServingBenchmark.GRPC)) {
            find(overhead, ServingModels.TINY, 1, path).ifPresent(tiny -> judgeLoneRequest(tiny, overhead));
        }
        telemetry.stream()
                .filter(row -> row.baseline() != null && !row.path().endsWith(ServingBenchmark.BASELINE_BUILD))
                .forEach(tiny -> judgeLoneRequest(tiny, telemetry));
        overhead.stream()
                .filter(row -> row.workload().equals(ServingModels.TINY)
                        && row.clients() == 1
                        && row.path().equals(ServingBenchmark.RAW_ORT_PAUSED))
                .findFirst()
                .ifPresent(paused -> find(overhead, ServingModels.TINY, 1, ServingBenchmark.HTTP_BINARY)
                        .ifPresent(tiny -> {
                            double overPaused =
                                    tiny.result().p50Micros() - paused.result().p50Micros();
                            targets.add(new Target(
                                    "(context) HTTP binary over raw ORT with 100 µs pauses between calls, as the"
                                            + " node's threads have between one client's requests",
                                    format("+%.0f µs", overPaused),
                                    overPaused <= 60));
                        }));
        for (String path : List.of(ServingBenchmark.HTTP_BINARY, ServingBenchmark.GRPC)) {
            find(overhead, ServingModels.MINILM, 16, path).ifPresent(minilm -> {
                double share = throughputShare(minilm);
                targets.add(new Target(
                        "MiniLM, " + path + ", 16 clients: throughput ≥ 90% of raw ORT",
                        format("%.0f%%", share),
                        share >= 90));
            });
        }
        for (Comparison on : batching) {
            if (on.baseline() == null) {
                continue;
            }
            double factor = on.result().requestsPerSecond() / on.baseline().requestsPerSecond();
            if (on.workload().equals(ServingModels.MINILM)) {
                targets.add(new Target(
                        "MiniLM, " + on.path() + ", " + on.clients() + " clients: batching on ≥ 1.5× the throughput"
                                + " of off",
                        format("%.2f×", factor),
                        factor >= 1.5));
            } else {
                targets.add(new Target(
                        "tiny MLP, " + on.path() + ", " + on.clients() + " clients: batching on never loses"
                                + " (throughput ≥ off, p99 ≤ off)",
                        format(
                                "%.2f× throughput, p99 %.0f µs vs %.0f µs",
                                factor, on.result().p99Micros(), on.baseline().p99Micros()),
                        factor >= 1 && on.result().p99Nanos() <= on.baseline().p99Nanos()));
            }
        }
        if (!startups.isEmpty()) {
            StartupRun median = medianStartup();
            targets.add(new Target(
                    "start to ready with MiniLM < 1.5 s",
                    format("%d ms", median.ready().toMillis()),
                    median.ready().compareTo(Duration.ofMillis(1500)) < 0));
            long resident = Math.max(median.residentAtReady(), median.residentAfterRequests());
            targets.add(new Target(
                    "resident memory with MiniLM < 300 MB",
                    format("%d MB", megabytes(resident)),
                    megabytes(resident) < 300));
        }
    }

    /**
     * The tiny model at one client: p50 at most 60 µs over raw ORT, p99 at most twice p50. The tail is shown beside the
     * loopback echo's of the same windows, the tail the machine gives a round trip with no server work at all.
     */
    private void judgeLoneRequest(Comparison tiny, List<Comparison> group) {
        double extra = tiny.result().p50Micros() - tiny.baseline().p50Micros();
        targets.add(new Target(
                "tiny MLP, " + tiny.path() + ", 1 client: p50 over raw ORT ≤ 60 µs",
                format("+%.0f µs", extra),
                extra <= 60));
        double tail = tiny.result().p99Micros() / tiny.result().p50Micros();
        String floor = group.stream()
                .filter(row -> row.workload().equals(tiny.workload())
                        && row.clients() == 1
                        && row.path().equals(ServingBenchmark.LOOPBACK))
                .findFirst()
                .map(echo -> format(
                        "; loopback echo %.0f vs %.0f µs, %.2f×",
                        echo.result().p99Micros(),
                        echo.result().p50Micros(),
                        echo.result().p99Micros() / echo.result().p50Micros()))
                .orElse("");
        targets.add(new Target(
                "tiny MLP, " + tiny.path() + ", 1 client: p99 ≤ 2 × p50",
                format(
                        "%.0f µs vs %.0f µs (%.2f×%s)",
                        tiny.result().p99Micros(), tiny.result().p50Micros(), tail, floor),
                tail <= 2));
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append(SECTION).append("\n\n");
        out.append("Generated by `fogline bench serving` (`io.fogline.bench.serving.ServingBenchmark`; with the codec"
                + " micro-benchmarks, `bench/run-serving.sh`); rerun it to replace this section.\n\n");
        out.append("- Machine: ")
                .append(machine.cpus())
                .append(" CPUs (")
                .append(machine.cpuModel())
                .append("), ")
                .append(machine.memory())
                .append(" memory, ")
                .append(machine.os())
                .append('\n');
        out.append("- JDK: ").append(machine.jdk()).append('\n');
        out.append("- Commit: ")
                .append(machine.commit())
                .append(", run ")
                .append(machine.date())
                .append('\n');
        out.append("- Load average (1, 5, 15 min) at start: ")
                .append(machine.loadAverageAtStart())
                .append(", at end: ")
                .append(loadAverageAtEnd)
                .append("\n\n");
        out.append("### Method\n\n").append(method).append("\n\n");
        if (!targets.isEmpty()) {
            out.append("### Targets\n\n| target | measured | met |\n|---|---|---|\n");
            for (Target target : targets) {
                out.append("| ")
                        .append(target.goal())
                        .append(" | ")
                        .append(target.measured())
                        .append(" | ")
                        .append(target.met() ? "yes" : "**no**")
                        .append(" |\n");
            }
            out.append('\n');
        }
        if (!overhead.isEmpty()) {
            out.append("### Raw ONNX Runtime in-process vs Fogline over HTTP and gRPC\n\n");
            comparisonTable(out, overhead, "vs raw ORT (p50, p99, throughput)");
            cpuTable(out, overhead);
            nodeTimesTable(out, overhead);
        }
        if (!batching.isEmpty()) {
            out.append("### Dynamic batching on and off, binary HTTP and gRPC\n\n");
            comparisonTable(out, batching, "vs batching off (p50, p99, throughput)");
            cpuTable(out, batching);
            nodeTimesTable(out, batching);
        }
        if (!telemetry.isEmpty()) {
            out.append("### Telemetry on and off: tiny MLP, one client\n\n");
            out.append(format(
                    "The control plane took %d telemetry batches from the enrolled node while these windows ran.%n%n",
                    telemetryBatches));
            comparisonTable(out, telemetry, "vs raw ORT (p50, p99, throughput)");
            cpuTable(out, telemetry);
            nodeTimesTable(out, telemetry);
        }
        if (!startups.isEmpty()) {
            out.append("### Start to ready with MiniLM, and resident memory\n\n");
            out.append("| run | spawn → ready ms | of which main → listening ms (node's log) | of which MiniLM load and"
                    + " warm-up ms (node's metrics) | other processes' share of the CPUs meanwhile | RSS at ready MB |"
                    + " RSS after 1,000 requests MB |\n|---|---|---|---|---|---|---|\n");
            for (int i = 0; i < startups.size(); i++) {
                startupRow(out, Integer.toString(i + 1), startups.get(i));
            }
            startupRow(out, "**median**", medianStartup());
            out.append('\n');
        }
        if (!codec.isEmpty()) {
            out.append("### Codec micro-benchmarks (JMH), tiny MLP: 64 features in, 10 probabilities out\n\n");
            out.append("| benchmark | encoding | ns/op | ± (99.9%) |\n|---|---|---|---|\n");
            for (CodecResult result : codec) {
                out.append(format(
                        "| %s | %s | %.0f | %.0f |%n",
                        result.benchmark(), result.encoding(), result.nanosPerOp(), result.error()));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static void comparisonTable(StringBuilder out, List<Comparison> rows, String versus) {
        out.append("| model | clients | path | p50 µs | p99 µs | req/s | ")
                .append(versus)
                .append(" |\n|---|---|---|---|---|---|---|\n");
        for (Comparison row : rows) {
            LoadResult result = row.result();
            out.append(format(
                    "| %s | %d | %s | %.0f | %.0f | %.0f | %s |%n",
                    row.workload(),
                    row.clients(),
                    row.path(),
                    result.p50Micros(),
                    result.p99Micros(),
                    result.requestsPerSecond(),
                    row.baseline() == null ? "—" : versus(row)));
        }
        out.append('\n');
    }

    /**
     * Where the cores went: CPU time per request of the node's thread groups and of the benchmark's own process (the
     * load generator, or the raw ORT peer in its rows), measured over the same windows.
     */
    private static void cpuTable(StringBuilder out, List<Comparison> rows) {
        out.append("CPU time per request in µs, by thread group, over the same windows (other processes: the machine's"
                + " CPU time less the node's and the benchmark's, i.e. work that shared the cores, kernel work not"
                + " charged to a process included):\n\n| model | clients | path |");
        for (String group : ServingBenchmark.CPU_GROUPS) {
            out.append(' ').append(group).append(" |");
        }
        out.append(" total |\n|---|---|---|");
        out.append("---|".repeat(ServingBenchmark.CPU_GROUPS.size() + 1)).append('\n');
        for (Comparison row : rows) {
            out.append(format("| %s | %d | %s |", row.workload(), row.clients(), row.path()));
            double total = 0;
            for (String group : ServingBenchmark.CPU_GROUPS) {
                double micros = row.result().cpuMicrosPerRequest().getOrDefault(group, 0.0);
                total += micros;
                out.append(format(" %.1f |", micros));
            }
            out.append(format(" %.1f |%n", total));
        }
        out.append('\n');
    }

    /**
     * Where a request's time went inside the node, by its own statistics, beside the mean the client measured: the
     * difference is what HTTP, the codec, the hops between event loop and batcher worker, and the client cost.
     */
    private static void nodeTimesTable(StringBuilder out, List<Comparison> rows) {
        out.append("Mean time per request in µs: as the client measured it, and inside the node by its own statistics"
                + " (`/v2/models/{m}/stats`: from the model manager taking the request to its answer, of which queued"
                + " for the batcher worker, and the batch's compute phases):\n\n");
        out.append("| model | clients | path | client | node request | queued | compute input | compute infer |"
                + " compute output | rows per batch | client − node request |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Comparison row : rows) {
            NodeTimes node = row.result().node();
            if (node == null) {
                continue;
            }
            double client = row.result().meanMicros();
            out.append(format(
                    "| %s | %d | %s | %.0f | %.0f | %.0f | %.1f | %.1f | %.1f | %.1f | %.0f |%n",
                    row.workload(),
                    row.clients(),
                    row.path(),
                    client,
                    node.requestMicros(),
                    node.queueMicros(),
                    node.inputMicros(),
                    node.inferMicros(),
                    node.outputMicros(),
                    node.rowsPerBatch(),
                    client - node.requestMicros()));
        }
        out.append('\n');
    }

    /** How a row compares with its baseline: extra p50 and p99 in µs, and throughput as a share of the baseline's. */
    static String versus(Comparison row) {
        LoadResult result = row.result();
        LoadResult baseline = row.baseline();
        return format(
                "%+.0f µs, %+.0f µs, %.0f%%",
                result.p50Micros() - baseline.p50Micros(),
                result.p99Micros() - baseline.p99Micros(),
                throughputShare(row));
    }

    private static double throughputShare(Comparison row) {
        return 100 * row.result().requestsPerSecond() / row.baseline().requestsPerSecond();
    }

    private static void startupRow(StringBuilder out, String label, StartupRun run) {
        out.append(format(
                "| %s | %d | %d | %d | %d%% | %d | %d |%n",
                label,
                run.ready().toMillis(),
                run.readyInMainMillis(),
                run.modelLoadMillis(),
                run.othersCpuPercent(),
                megabytes(run.residentAtReady()),
                megabytes(run.residentAfterRequests())));
    }

    /** The figure-by-figure median of the runs. */
    private StartupRun medianStartup() {
        return new StartupRun(
                Duration.ofNanos(median(startups.stream()
                        .mapToLong(run -> run.ready().toNanos())
                        .toArray())),
                median(startups.stream()
                        .mapToLong(StartupRun::readyInMainMillis)
                        .toArray()),
                median(startups.stream().mapToLong(StartupRun::modelLoadMillis).toArray()),
                median(startups.stream().mapToLong(StartupRun::othersCpuPercent).toArray()),
                median(startups.stream().mapToLong(StartupRun::residentAtReady).toArray()),
                median(startups.stream()
                        .mapToLong(StartupRun::residentAfterRequests)
                        .toArray()));
    }

    private static long median(long[] values) {
        Arrays.sort(values);
        return values[(values.length - 1) / 2];
    }

    private static long megabytes(long bytes) {
        return Math.round(bytes / (1024.0 * 1024.0));
    }

    private static Optional<Comparison> find(List<Comparison> rows, String workload, int clients, String path) {
        return rows.stream()
                .filter(row -> row.baseline() != null)
                .filter(row -> row.workload().equals(workload)
                        && row.clients() == clients
                        && row.path().equals(path))
                .findFirst();
    }

    private static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }

    /**
     * Puts this report's section into {@code file} in place of the previous one, keeping every other section as it
     * is; a missing file is created.
     */
    void writeInto(Path file) throws IOException {
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n\n";
        List<String> lines = new ArrayList<>(existing.lines().toList());
        int begin = lines.indexOf(SECTION);
        String section = markdown().stripTrailing();
        if (begin < 0) {
            while (!lines.isEmpty() && lines.getLast().isBlank()) {
                lines.removeLast();
            }
            lines.add("");
            lines.add(section);
        } else {
            int end = begin + 1;
            while (end < lines.size() && !lines.get(end).startsWith("## ")) {
                end++;
            }
            List<String> after = new ArrayList<>(lines.subList(end, lines.size()));
            lines.subList(begin, lines.size()).clear();
            lines.add(section);
            if (!after.isEmpty()) {
                lines.add("");
                lines.addAll(after);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }
}

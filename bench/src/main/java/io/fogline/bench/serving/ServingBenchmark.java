package io.fogline.bench.serving;

import io.fogline.bench.report.ReportSection;
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.node.grpc.proto.ModelInferRequest;
import io.fogline.node.grpc.proto.ModelInferResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The serving benchmark of issue 2, in one run: raw ONNX Runtime in-process against Fogline over HTTP (JSON and
 * binary tensors) for a tiny MLP and MiniLM, dynamic batching on and off, start-to-ready time and resident memory,
 * and micro-benchmarks of the codec. Prints each figure as it is measured and writes the {@code ## Serving (issue 2)}
 * section of docs/benchmarks.md.
 */
public final class ServingBenchmark {

    static final String RAW_ORT = "raw ORT in-process";
    static final String RAW_ORT_PAUSED = "raw ORT, 100 µs pauses";
    static final String HTTP_JSON = "Fogline HTTP, JSON";
    static final String HTTP_BINARY = "Fogline HTTP, binary";
    static final String GRPC = "Fogline gRPC, raw contents";
    static final String PEER = "peer server, HTTP binary";
    static final String LOOPBACK = "loopback echo, no HTTP or model";
    static final String TELEMETRY_OFF = ", telemetry off";
    static final String TELEMETRY_ON = ", telemetry on";
    static final String BASELINE_BUILD = ", telemetry off, baseline build";

    private static final int[] OVERHEAD_CLIENTS = {1, 16, 64};

    /** Rows measured for what they say about the machine, compared with nothing: raw ORT and the loopback echo. */
    static boolean isReference(String path) {
        return path.startsWith("raw ORT") || path.equals(LOOPBACK);
    }

    /**
     * Between the requests of one HTTP client, the node's threads sleep, and a run on a thread that has just woken
     * finds cold caches; the raw peer with this pause between its calls shows that cost apart from Fogline's own.
     */
    private static final Duration RAW_PAUSE = Duration.ofNanos(100_000);

    private static final int[] BATCHING_CLIENTS = {1, 16, 64};
    private static final int MINILM_BATCHING_CLIENTS = 16;
    private static final int STARTUP_RUNS = 3;

    private static final ClosedLoopLoad.WindowListener NO_PROBE = new ClosedLoopLoad.WindowListener() {
        @Override
        public void opened() {}

        @Override
        public void closed() {}
    };
    private static final int REQUESTS_BEFORE_SECOND_RSS = 1_000;
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

    /** The node's timer of loading and warming up a model version, MiniLM's series. */
    private static final String MODEL_LOAD_SERIES = "fogline_model_load_duration_seconds_sum{model=\"minilm\"";

    /** Thread groups whose CPU time per request the report shows; the node's first, then this process as a whole. */
    static final String NODE_EVENT_LOOPS = "node event loops (Vert.x, gRPC)";

    static final String NODE_MODEL_THREADS = "node model threads";
    static final String NODE_JVM = "node JVM (GC, JIT, other)";
    static final String BENCH_PROCESS = "bench process";
    static final String OTHER_PROCESSES = "other processes";
    static final List<String> CPU_GROUPS =
            List.of(NODE_EVENT_LOOPS, NODE_MODEL_THREADS, NODE_JVM, BENCH_PROCESS, OTHER_PROCESSES);

    public enum Scenario {
        OVERHEAD,
        BATCHING,
        TELEMETRY,
        STARTUP,
        CODEC
    }

    /**
     * @param launcher the {@code fogline} launcher that starts the node
     * @param peer another Open Inference Protocol server serving the same models over HTTP, measured beside the node
     *     with the same binary requests; null for none
     * @param reportFile the Markdown file whose serving section the run rewrites; null to print it only
     * @param baselineLauncher the launcher of another build of Fogline (before a change, say) whose node the telemetry
     *     scenario measures beside this build's, telemetry off, in the same windows; null for none
     */
    public record Settings(
            Set<Scenario> scenarios,
            Duration warmup,
            Duration measured,
            int repetitions,
            Path launcher,
            Path reportFile,
            String tinyConfig,
            InetSocketAddress peer,
            Path baselineLauncher) {

        static final String USAGE = "usage: ServingBenchmark [--scenarios overhead,batching,telemetry,startup,codec]"
                + " [--warmup SECONDS] [--measure SECONDS] [--repetitions N] [--launcher ./fogline]"
                + " [--report docs/benchmarks.md|none] [--tiny-config JSON (config.json of the tiny MLP 'mlp')]"
                + " [--peer-url http://HOST:PORT] [--baseline-launcher OTHER_BUILD/fogline]";

        static Settings parse(String[] args) {
            Set<Scenario> scenarios = EnumSet.allOf(Scenario.class);
            double warmup = 2;
            double measured = 4;
            int repetitions = 3;
            Path launcher = Path.of("fogline");
            Path report = Path.of("docs", "benchmarks.md");
            String tinyConfig = null;
            InetSocketAddress peer = null;
            Path baselineLauncher = null;
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--scenarios" -> scenarios = scenarios(value);
                    case "--warmup" -> warmup = Double.parseDouble(value);
                    case "--measure" -> measured = Double.parseDouble(value);
                    case "--repetitions" -> repetitions = Integer.parseInt(value);
                    case "--launcher" -> launcher = Path.of(value);
                    case "--report" -> report = ReportSection.file(value);
                    case "--tiny-config" -> tinyConfig = value;
                    case "--peer-url" -> peer = peer(value);
                    case "--baseline-launcher" -> baselineLauncher = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Settings(
                    scenarios,
                    seconds(warmup),
                    seconds(measured),
                    repetitions,
                    launcher,
                    report,
                    tinyConfig,
                    peer,
                    baselineLauncher);
        }

        /** Scenario names separated by commas, e.g. {@code overhead,batching}. */
        public static Set<Scenario> scenarios(String names) {
            Set<Scenario> scenarios = EnumSet.noneOf(Scenario.class);
            for (String name : names.split(",")) {
                try {
                    scenarios.add(Scenario.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown scenario '" + name.trim() + "', expected "
                            + String.join(
                                    ", ",
                                    Stream.of(Scenario.values())
                                            .map(scenario -> scenario.name().toLowerCase(Locale.ROOT))
                                            .toList()));
                }
            }
            return scenarios;
        }

        /** The address of {@code http://HOST:PORT}. */
        public static InetSocketAddress peer(String url) {
            java.net.URI uri = java.net.URI.create(url);
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("a peer URL is http://HOST:PORT, got '" + url + "'");
            }
            return new InetSocketAddress(uri.getHost(), uri.getPort());
        }

        public static Duration seconds(double value) {
            return Duration.ofNanos((long) (value * 1e9));
        }
    }

    /** A model and the inputs of the one request each of its clients sends again and again. */
    private record Workload(String model, List<Tensor> inputs) {}

    /**
     * One way of serving a workload that a row of the report measures.
     *
     * @param nodeModel the model the node serves these requests with, or null when the node is not involved
     */
    private record Contender(
            String name, NodeProcess node, String nodeModel, Duration pause, ClosedLoopLoad.ExchangeFactory clients) {

        Contender(String name, NodeProcess node, String nodeModel, ClosedLoopLoad.ExchangeFactory clients) {
            this(name, node, nodeModel, Duration.ZERO, clients);
        }

        /** Served in the benchmark's own process: raw ONNX Runtime. */
        static Contender inProcess(String name, Duration pause, ClosedLoopLoad.ExchangeFactory clients) {
            return new Contender(name, null, null, pause, clients);
        }
    }

    private final Settings settings;
    private final ServingReport report;

    private ServingBenchmark(Settings settings, ServingReport report) {
        this.settings = settings;
        this.report = report;
    }

    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Settings.USAGE);
            System.exit(2);
            return;
        }
        execute(settings);
    }

    /** Runs the scenarios, printing each figure as it is measured, then the section, and writes it when asked. */
    public static void execute(Settings settings) throws Exception {
        Machine machine = Machine.describe(settings.reportFile());
        progress(
                "%d CPUs (%s), %s, commit %s, load average %s",
                machine.cpus(), machine.cpuModel(), machine.jdk(), machine.commit(), machine.loadAverageAtStart());
        if (Machine.oneMinuteLoad() > 1.0) {
            progress("warning: the load average is above 1: other work shares the cores and will move the figures");
        }
        ServingReport report = new ServingReport(machine, method(settings, machine));
        new ServingBenchmark(settings, report).run();
        report.finish();
        System.out.println();
        System.out.println(report.markdown());
        if (settings.reportFile() != null) {
            report.writeInto(settings.reportFile());
            progress("wrote %s", settings.reportFile());
        }
    }

    private void run() throws Exception {
        Path work = Files.createTempDirectory("fogline-serving-bench-");
        try {
            if (settings.scenarios().contains(Scenario.OVERHEAD)
                    || settings.scenarios().contains(Scenario.BATCHING)
                    || settings.scenarios().contains(Scenario.TELEMETRY)) {
                runAgainstServingNode(work);
            }
            if (settings.scenarios().contains(Scenario.STARTUP)) {
                measureStartup(work);
            }
            if (settings.scenarios().contains(Scenario.CODEC)) {
                CodecScenario.measure(report);
            }
        } finally {
            deleteRecursively(work);
        }
    }

    private void runAgainstServingNode(Path work) throws Exception {
        Path repository = ServingModels.servingRepository(work.resolve("serving"), settings.tinyConfig());
        try (NodeProcess node =
                NodeProcess.spawnWithLauncher(settings.launcher(), repository, work.resolve("serving-node.log"))) {
            progress("node ready in %d ms", node.awaitReady(READY_TIMEOUT).toMillis());
            if (settings.scenarios().contains(Scenario.OVERHEAD)) {
                for (Workload workload : List.of(
                        new Workload(ServingModels.TINY, ServingModels.tinyInputs()),
                        new Workload(ServingModels.MINILM, ServingModels.miniLmInputs()))) {
                    compareWithRawOrt(node, repository, workload);
                }
            }
            if (settings.scenarios().contains(Scenario.BATCHING)) {
                compareBatching(node);
            }
            if (settings.scenarios().contains(Scenario.TELEMETRY)) {
                compareTelemetry(node, repository, work.resolve("telemetry"));
            }
        }
    }

    private void compareWithRawOrt(NodeProcess node, Path repository, Workload workload) throws Exception {
        InetSocketAddress address = node.address();
        byte[] json = inferRequest(address, workload.model(), workload.inputs(), false);
        byte[] binary = inferRequest(address, workload.model(), workload.inputs(), true);
        try (RawOrtPeer peer = new RawOrtPeer(
                        ServingModels.modelFile(repository, workload.model()),
                        ServingModels.intraOpThreads(repository, workload.model()));
                LoopbackEcho echo = LoopbackEcho.start()) {
            Map<String, ByteBuffer> expected = peer.run(workload.inputs());
            requireSameAnswer(address, json, expected, workload.model() + " over JSON");
            requireSameAnswer(address, binary, expected, workload.model() + " with binary tensors");
            ModelInferRequest grpc = GrpcExchange.request(workload.model(), workload.inputs());
            requireSameGrpcAnswer(node.grpcAddress(), grpc, expected, workload.model() + " over gRPC");
            byte[] peerRequest = null;
            if (settings.peer() != null) {
                peerRequest = inferRequest(settings.peer(), workload.model(), workload.inputs(), true);
                requireSameAnswer(settings.peer(), peerRequest, expected, workload.model() + " from the peer server");
            }
            byte[] toPeer = peerRequest;
            for (int clients : OVERHEAD_CLIENTS) {
                List<Contender> contenders = new ArrayList<>();
                contenders.add(Contender.inProcess(RAW_ORT, Duration.ZERO, () -> peer.client(workload.inputs())));
                if (clients == 1) {
                    contenders.add(
                            Contender.inProcess(RAW_ORT_PAUSED, RAW_PAUSE, () -> peer.client(workload.inputs())));
                    contenders.add(Contender.inProcess(LOOPBACK, Duration.ZERO, () -> echo.client(binary)));
                }
                contenders.add(new Contender(HTTP_JSON, node, workload.model(), () -> new HttpExchange(address, json)));
                contenders.add(
                        new Contender(HTTP_BINARY, node, workload.model(), () -> new HttpExchange(address, binary)));
                contenders.add(
                        new Contender(GRPC, node, workload.model(), () -> new GrpcExchange(node.grpcAddress(), grpc)));
                if (toPeer != null) {
                    contenders.add(
                            Contender.inProcess(PEER, Duration.ZERO, () -> new HttpExchange(settings.peer(), toPeer)));
                }
                Map<String, LoadResult> results = measureInTurn(List.of(node), workload.model(), clients, contenders);
                LoadResult raw = results.get(RAW_ORT);
                results.forEach((path, result) -> report.addOverhead(new ServingReport.Comparison(
                        workload.model(), clients, path, result, isReference(path) ? null : raw)));
            }
        }
    }

    /**
     * Batching on against off, over binary HTTP and gRPC: the tiny MLP at every client count, where batching must
     * never lose, and MiniLM at 16 clients, where compute dominates and batching should pay.
     */
    private void compareBatching(NodeProcess node) throws Exception {
        for (int clients : BATCHING_CLIENTS) {
            compareBatching(
                    node,
                    ServingModels.TINY_BATCHING_OFF,
                    ServingModels.TINY_BATCHING_ON,
                    ServingModels.tinyInputs(),
                    clients);
        }
        compareBatching(
                node,
                ServingModels.MINILM_BATCHING_OFF,
                ServingModels.MINILM,
                ServingModels.miniLmInputs(),
                MINILM_BATCHING_CLIENTS);
    }

    private void compareBatching(NodeProcess node, String off, String on, List<Tensor> inputs, int clients)
            throws Exception {
        InetSocketAddress address = node.address();
        byte[] httpOff = inferRequest(address, off, inputs, true);
        byte[] httpOn = inferRequest(address, on, inputs, true);
        ModelInferRequest grpcOff = GrpcExchange.request(off, inputs);
        ModelInferRequest grpcOn = GrpcExchange.request(on, inputs);
        List<Contender> contenders = List.of(
                new Contender(HTTP_BINARY + " " + off, node, off, () -> new HttpExchange(address, httpOff)),
                new Contender(HTTP_BINARY + " " + on, node, on, () -> new HttpExchange(address, httpOn)),
                new Contender(GRPC + " " + off, node, off, () -> new GrpcExchange(node.grpcAddress(), grpcOff)),
                new Contender(GRPC + " " + on, node, on, () -> new GrpcExchange(node.grpcAddress(), grpcOn)));
        Map<String, LoadResult> results = measureInTurn(List.of(node), "batching", clients, contenders);
        for (String path : List.of(HTTP_BINARY, GRPC)) {
            LoadResult withoutBatching = results.get(path + " " + off);
            report.addBatching(new ServingReport.Comparison(off, clients, path, withoutBatching, null));
            report.addBatching(
                    new ServingReport.Comparison(on, clients, path, results.get(path + " " + on), withoutBatching));
        }
    }

    /**
     * The tiny MLP at one client over binary HTTP and gRPC, on the node above (telemetry off) and on a node enrolled to
     * a control plane (telemetry on), in turn with raw ONNX Runtime.
     */
    private void compareTelemetry(NodeProcess plain, Path repository, Path work) throws Exception {
        List<Tensor> inputs = ServingModels.tinyInputs();
        String model = ServingModels.TINY;
        try (EnrolledNode enrolled = EnrolledNode.start(settings.launcher(), repository, work);
                RawOrtPeer peer = new RawOrtPeer(
                        ServingModels.modelFile(repository, model), ServingModels.intraOpThreads(repository, model));
                LoopbackEcho echo = LoopbackEcho.start()) {
            NodeProcess on = enrolled.node();
            progress(
                    "enrolled node ready in %d ms", on.awaitReady(READY_TIMEOUT).toMillis());
            Map<String, ByteBuffer> expected = peer.run(inputs);
            byte[] httpOff = inferRequest(plain.address(), model, inputs, true);
            byte[] httpOn = inferRequest(on.address(), model, inputs, true);
            requireSameAnswer(on.address(), httpOn, expected, model + " from the enrolled node");
            ModelInferRequest grpc = GrpcExchange.request(model, inputs);
            requireSameGrpcAnswer(on.grpcAddress(), grpc, expected, model + " over gRPC from the enrolled node");
            List<Contender> contenders = List.of(
                    Contender.inProcess(RAW_ORT, Duration.ZERO, () -> peer.client(inputs)),
                    Contender.inProcess(LOOPBACK, Duration.ZERO, () -> echo.client(httpOff)),
                    new Contender(
                            HTTP_BINARY + TELEMETRY_OFF,
                            plain,
                            model,
                            () -> new HttpExchange(plain.address(), httpOff)),
                    new Contender(HTTP_BINARY + TELEMETRY_ON, on, model, () -> new HttpExchange(on.address(), httpOn)),
                    new Contender(
                            GRPC + TELEMETRY_OFF, plain, model, () -> new GrpcExchange(plain.grpcAddress(), grpc)),
                    new Contender(GRPC + TELEMETRY_ON, on, model, () -> new GrpcExchange(on.grpcAddress(), grpc)));
            List<NodeProcess> nodes = new ArrayList<>(List.of(plain, on));
            if (settings.baselineLauncher() != null) {
                NodeProcess baseline = NodeProcess.spawnWithLauncher(
                        settings.baselineLauncher(), repository, work.resolve("baseline-node.log"));
                nodes.add(baseline);
                progress(
                        "baseline build's node ready in %d ms",
                        baseline.awaitReady(READY_TIMEOUT).toMillis());
                byte[] httpBaseline = inferRequest(baseline.address(), model, inputs, true);
                requireSameAnswer(baseline.address(), httpBaseline, expected, model + " from the baseline build");
                contenders = new ArrayList<>(contenders);
                contenders.add(
                        3,
                        new Contender(
                                HTTP_BINARY + BASELINE_BUILD,
                                baseline,
                                model,
                                () -> new HttpExchange(baseline.address(), httpBaseline)));
                contenders.add(new Contender(
                        GRPC + BASELINE_BUILD, baseline, model, () -> new GrpcExchange(baseline.grpcAddress(), grpc)));
            }
            long batchesBefore = enrolled.telemetryBatches();
            Map<String, LoadResult> results;
            try {
                results = measureInTurn(nodes, "telemetry", 1, contenders);
            } finally {
                for (NodeProcess node : nodes.subList(2, nodes.size())) {
                    node.close();
                }
            }
            long batches = enrolled.telemetryBatches() - batchesBefore;
            if (batches == 0) {
                throw new IOException(
                        "the enrolled node sent no telemetry while it was measured; its output:\n" + on.output());
            }
            progress("the control plane took %d telemetry batches from the enrolled node meanwhile", batches);
            report.telemetryBatches(batches);
            LoadResult raw = results.get(RAW_ORT);
            results.forEach((path, result) -> report.addTelemetry(
                    new ServingReport.Comparison(model, 1, path, result, isReference(path) ? null : raw)));
        }
    }

    /**
     * Runs the contenders one after another, the whole round as many times as the settings say, and takes each
     * contender's median: taking turns spreads a passing disturbance over all of them instead of one.
     *
     * @param nodes the node processes serving the contenders, whose threads' CPU time each window reads
     */
    private Map<String, LoadResult> measureInTurn(
            List<NodeProcess> nodes, String label, int clients, List<Contender> contenders) throws Exception {
        List<ThreadCpu> processes = new ArrayList<>();
        for (NodeProcess node : nodes) {
            processes.add(new ThreadCpu(node.pid(), ServingBenchmark::nodeThreadGroup));
        }
        processes.add(new ThreadCpu(ProcessHandle.current().pid(), thread -> BENCH_PROCESS));
        // One unrecorded pass of every contender first: a path's first windows in the node would otherwise pay for
        // compiling its code (gRPC's stack takes seconds of JIT on a busy machine) and load its turn-mates' figures.
        for (Contender contender : contenders) {
            ClosedLoopLoad.run(
                    clients, contender.clients(), contender.pause(), settings.warmup(), settings.warmup(), NO_PROBE);
        }
        Map<String, List<LoadResult>> windows = new LinkedHashMap<>();
        for (int round = 1; round <= settings.repetitions(); round++) {
            for (Contender contender : contenders) {
                WindowProbe probe = new WindowProbe(
                        processes,
                        contender.node() == null ? null : contender.node().address(),
                        contender.nodeModel());
                LoadResult result = ClosedLoopLoad.run(
                                clients,
                                contender.clients(),
                                contender.pause(),
                                settings.warmup(),
                                settings.measured(),
                                probe)
                        .withWindow(probe.cpuSpent, probe.nodeTimes);
                windows.computeIfAbsent(contender.name(), key -> new ArrayList<>())
                        .add(result);
                progress(
                        "%-8s %2d clients  %-22s round %d/%d: p50 %8.0f µs  p99 %8.0f µs  %9.0f req/s  CPU µs/req %s",
                        label,
                        clients,
                        contender.name(),
                        round,
                        settings.repetitions(),
                        result.p50Micros(),
                        result.p99Micros(),
                        result.requestsPerSecond(),
                        cpuSummary(result));
            }
        }
        Map<String, LoadResult> medians = new LinkedHashMap<>();
        windows.forEach((name, results) -> medians.put(name, LoadResult.median(results)));
        return medians;
    }

    /**
     * The group of a node thread by the name the kernel keeps (15 characters). ONNX Runtime's intra-op threads are
     * native threads that inherit the name of the thread that created the session, {@code java} for the node's main
     * thread, so they count with the batcher's workers ({@code fogline-<model>-<version>-<n>}) as model threads.
     */
    private static String nodeThreadGroup(String thread) {
        // gRPC's transport threads (grpc-default-worker-ELG-n, or grpc-nio-worker) run its calls: directExecutor.
        if (thread.startsWith("vert.x-eventloo") || thread.startsWith("grpc-")) {
            return NODE_EVENT_LOOPS;
        }
        if (thread.startsWith("fogline-") || thread.equals("java")) {
            return NODE_MODEL_THREADS;
        }
        return NODE_JVM;
    }

    private static String cpuSummary(LoadResult result) {
        StringBuilder summary = new StringBuilder();
        for (String group : CPU_GROUPS) {
            summary.append(String.format(
                    Locale.ROOT,
                    "%s%.0f",
                    summary.isEmpty() ? "" : " / ",
                    result.cpuMicrosPerRequest().get(group)));
        }
        return summary.append(" (node loops / node model / node JVM / bench / others)")
                .toString();
    }

    /**
     * Reads, when a measured window opens and when it closes, the CPU time of the node's threads and of this process,
     * and the statistics of the model the node serves the window's requests with.
     */
    private static final class WindowProbe implements ClosedLoopLoad.WindowListener {
        private final List<ThreadCpu> processes;
        private final InetSocketAddress node;
        private final String nodeModel;
        private final Map<String, Long> cpuSpent = new LinkedHashMap<>();
        private Map<String, Long> cpuAtOpening;
        private NodeTimes.Counters countersAtOpening;
        private NodeTimes nodeTimes;

        WindowProbe(List<ThreadCpu> processes, InetSocketAddress node, String nodeModel) {
            this.processes = processes;
            this.node = node;
            this.nodeModel = nodeModel;
        }

        @Override
        public void opened() throws IOException {
            cpuAtOpening = snapshot();
            if (nodeModel != null) {
                countersAtOpening = NodeTimes.Counters.read(node, nodeModel);
            }
        }

        @Override
        public void closed() throws IOException {
            Map<String, Long> atClosing = snapshot();
            for (String group : CPU_GROUPS) {
                cpuSpent.put(group, atClosing.getOrDefault(group, 0L) - cpuAtOpening.getOrDefault(group, 0L));
            }
            if (nodeModel != null) {
                nodeTimes = NodeTimes.Counters.read(node, nodeModel).since(countersAtOpening);
            }
        }

        /** The known groups, and as other processes the machine's CPU time less theirs. */
        private Map<String, Long> snapshot() throws IOException {
            long machine = ThreadCpu.machineNanos();
            Map<String, Long> all = new LinkedHashMap<>();
            for (ThreadCpu process : processes) {
                process.snapshot().forEach((group, nanos) -> all.merge(group, nanos, Long::sum));
            }
            long known = all.values().stream().mapToLong(Long::longValue).sum();
            all.put(OTHER_PROCESSES, machine - known);
            return all;
        }
    }

    private void measureStartup(Path work) throws Exception {
        Path repository = ServingModels.startupRepository(work.resolve("startup"));
        for (int run = 1; run <= STARTUP_RUNS; run++) {
            long machineBefore = ThreadCpu.machineNanos();
            long benchBefore = ThreadCpu.processNanos(ProcessHandle.current().pid());
            try (NodeProcess node = NodeProcess.spawnWithLauncher(
                    settings.launcher(), repository, work.resolve("startup-" + run + ".log"))) {
                Duration ready = node.awaitReady(READY_TIMEOUT);
                long othersNanos = ThreadCpu.machineNanos()
                        - machineBefore
                        - ThreadCpu.processNanos(node.pid())
                        - (ThreadCpu.processNanos(ProcessHandle.current().pid()) - benchBefore);
                double othersShare = 100.0
                        * othersNanos
                        / (ready.toNanos() * Runtime.getRuntime().availableProcessors());
                long residentAtReady = node.residentBytes();
                byte[] request = inferRequest(node.address(), ServingModels.MINILM, ServingModels.miniLmInputs(), true);
                try (HttpExchange client = new HttpExchange(node.address(), request)) {
                    for (int i = 0; i < REQUESTS_BEFORE_SECOND_RSS; i++) {
                        client.exchange();
                    }
                }
                long residentAfter = node.residentBytes();
                Duration inMain = node.readyInMain();
                double loadSeconds = node.metric(MODEL_LOAD_SERIES);
                ServingReport.StartupRun startup = new ServingReport.StartupRun(
                        ready,
                        inMain == null ? -1 : inMain.toMillis(),
                        Double.isNaN(loadSeconds) ? -1 : Math.round(loadSeconds * 1000),
                        Math.max(0, Math.round(othersShare)),
                        residentAtReady,
                        residentAfter);
                report.addStartup(startup);
                progress(
                        "startup run %d: ready in %d ms (main → listening %d ms, MiniLM load %d ms; other processes"
                                + " took %d%% of the CPUs), RSS %d MB at ready, %d MB after %,d requests",
                        run,
                        ready.toMillis(),
                        startup.readyInMainMillis(),
                        startup.modelLoadMillis(),
                        startup.othersCpuPercent(),
                        residentAtReady >> 20,
                        residentAfter >> 20,
                        REQUESTS_BEFORE_SECOND_RSS);
            }
        }
    }

    /**
     * The bytes of an infer request as a v2 client sends them: JSON, or binary inputs that also ask for binary
     * outputs. Encoded once before a window, so the load generator's timed loop only writes them.
     */
    static byte[] inferRequest(InetSocketAddress node, String model, List<Tensor> inputs, boolean binary) {
        Map<String, Object> parameters = binary ? Map.of("binary_data_output", true) : Map.of();
        InferenceCodec.Encoded encoded =
                InferenceCodec.encodeRequest(new InferenceRequest(null, parameters, inputs, List.of()), binary);
        return HttpExchange.post(
                node,
                "/v2/models/" + model + "/infer",
                binary ? InferenceCodec.BINARY_CONTENT_TYPE : "application/json",
                encoded.headerLength(),
                encoded.body());
    }

    /**
     * Fails unless the node's answer to {@code request} equals what raw ONNX Runtime computes, so that no figure
     * comes from a server that answers fast but wrongly.
     */
    private static void requireSameAnswer(
            InetSocketAddress node, byte[] request, Map<String, ByteBuffer> expected, String what) throws IOException {
        try (HttpExchange exchange = new HttpExchange(node, request)) {
            int status = exchange.send();
            HttpResponseReader response = exchange.lastResponse();
            byte[] body = response.body();
            if (status != 200) {
                throw new IOException(what + ": HTTP " + status + " " + new String(body));
            }
            String headerLength = response.header(InferenceCodec.HEADER_LENGTH);
            InferenceResponse answer = InferenceCodec.decodeResponse(
                    body, body.length, headerLength == null ? -1 : Integer.parseInt(headerLength));
            for (Tensor output : answer.outputs()) {
                requireEqual(what, output.name(), output.toFloats(), expected);
            }
        }
        progress("%s: the answer equals raw ONNX Runtime's", what);
    }

    private static void requireSameGrpcAnswer(
            InetSocketAddress node, ModelInferRequest request, Map<String, ByteBuffer> expected, String what)
            throws IOException {
        try (GrpcExchange exchange = new GrpcExchange(node, request)) {
            ModelInferResponse answer = exchange.send();
            for (int i = 0; i < answer.getOutputsCount(); i++) {
                FloatBuffer raw = answer.getRawOutputContents(i)
                        .asReadOnlyByteBuffer()
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer();
                float[] actual = new float[raw.remaining()];
                raw.get(actual);
                requireEqual(what, answer.getOutputs(i).getName(), actual, expected);
            }
        }
        progress("%s: the answer equals raw ONNX Runtime's", what);
    }

    private static void requireEqual(String what, String name, float[] actual, Map<String, ByteBuffer> expected)
            throws IOException {
        FloatBuffer wanted = expected.get(name).order(ByteOrder.nativeOrder()).asFloatBuffer();
        if (actual.length != wanted.remaining()) {
            throw new IOException(what + ": output '" + name + "' has " + actual.length
                    + " elements, raw ONNX Runtime gives " + wanted.remaining());
        }
        for (int i = 0; i < actual.length; i++) {
            float want = wanted.get(i);
            if (Math.abs(actual[i] - want) > 1e-4f * Math.max(1f, Math.abs(want))) {
                throw new IOException(what + ": output '" + name + "'[" + i + "] is " + actual[i]
                        + ", raw ONNX Runtime gives " + want);
            }
        }
    }

    private static String method(Settings settings, Machine machine) {
        return String.format(
                Locale.ROOT,
                """
                - Load generator (`ClosedLoopLoad`, `HttpExchange`, `HttpResponseReader` in `io.fogline.bench.serving`): \
                closed loop, one platform thread per client, each with one HTTP/1.1 keep-alive connection on a blocking \
                socket; it writes a request encoded before the window, parses the status line and Content-Length, reads \
                the body and sends the next request at once. Latency is `System.nanoTime` around each exchange; \
                percentiles are exact (nearest rank over every request completed inside the window) and throughput is \
                completions per second of the window. It shares no code with the server. gRPC clients \
                (`GrpcExchange`): one grpc-java channel (HTTP/2 connection) per client, blocking `ModelInfer` calls \
                with the inputs as `raw_input_contents`, built before the window.%s
                - Raw ORT peer (`RawOrtPeer`): the same model file in the benchmark's JVM, one `OrtSession` with the \
                node's session options (all graph optimisations, the intra-op threads the node gives each instance of \
                the model, `session.intra_op.allow_spinning` 0), called with plain `OrtSession.run` from as \
                many threads as clients; per request each thread wraps its own direct input buffers and copies the \
                outputs out. With one client it also runs with a 100 µs pause after each call (`%s`; latency \
                excludes the pause, throughput does not): a call on a thread that has just slept finds cold caches, \
                which the node's threads always do between the requests of one client.
                - Loopback echo (`LoopbackEcho`, `%s`): with one client, a blocking socket in the benchmark's JVM that \
                sends the binary HTTP request's bytes straight back, without parsing them or running a model, on a \
                thread of its own. It is the machine's round trip by itself: its p99 against its p50 is the tail these \
                cores give a lone request before any server does any work, shown beside the p99 target.
                - Windows: %s s warm-up, then %s s measured, per contender; the contenders of a row group run in turn, \
                %d rounds after one unrecorded pass of each, and each figure is the median of the rounds.
                - Node: `./fogline node --http-address 127.0.0.1` (gRPC on a port of its own), the launcher with its JVM flags \
                (`FOGLINE_JAVA_OPTS`: %s), as a separate process; the benchmark JVM (load generator and raw ORT peer) runs with the launcher's flags.
                - Models: tiny MLP FP32 64 → 128 → 10 (Fogline's trainer's ONNX export of a fresh `mlp:128`, seed 7), \
                one row per request; `%s` has \
                %s, `%s` has `%s`, `%s` has `%s`. \
                MiniLM (all-MiniLM-L6-v2 FP32) with the config the model fetcher ships (max batch 16, dynamic \
                batching, 500 µs queue delay; the node's default of two instances, each with intra-op threads for half \
                the cores), %d tokens per request; \
                `minilm-batching-off` is the same file with that config less `dynamic_batching`. JSON requests \
                get JSON answers; binary requests send binary inputs and ask for `binary_data_output`. Every \
                answer is checked once against raw ORT's before the windows.
                - Shared cores: the load generator and the node share the same %d CPUs, as do the raw ORT peer's \
                threads; the peer has no HTTP client to feed, so it is the bound that Fogline's overhead is measured \
                from, and an HTTP row pays for its client's CPU time as well as the server's.
                - Telemetry on and off: the tiny MLP (`%s`), one client, binary HTTP and gRPC, on the node above, which \
                no control plane knows (telemetry off), and on a second node process serving the same repository, \
                enrolled to a control plane that the benchmark starts in its own process (SQLite in a temporary \
                directory): that node records every request into telemetry windows of %d s (60 s by default) and \
                polls and uploads as often, and with its data directory it also keeps answers for ground truth. The \
                run fails unless the control plane took telemetry batches while the windows ran. Both nodes run \
                throughout, the idle one's CPU time counting in the node columns, the control plane's in the \
                benchmark's.%s
                - Start to ready: from spawning the node process (only MiniLM in its repository) to the first 200 of \
                `GET /v2/health/ready`, polled every 10 ms; %d runs, the model file in the page cache. Resident memory \
                is VmRSS from `/proc/<pid>/status` at ready and after %,d binary MiniLM requests from one client.
                - Codec: JMH 1.37, `InferenceCodecBenchmark`, average time, one fork.
                - Rerun: `./fogline bench serving --report docs/benchmarks.md` (`--help` lists the settings; \
                `--peer-url http://HOST:PORT` measures another v2 server serving the same models beside the node), \
                or `bench/run-serving.sh`, which also runs the codec micro-benchmarks.""",
                settings.peer() == null
                        ? ""
                        : " The peer server at " + settings.peer().getHostString() + ":"
                                + settings.peer().getPort() + " gets the binary HTTP requests.",
                RAW_ORT_PAUSED,
                LOOPBACK,
                trim(settings.warmup()),
                trim(settings.measured()),
                settings.repetitions(),
                NodeProcess.extraJvmFlags().isEmpty()
                        ? "unset"
                        : "`" + String.join(" ", NodeProcess.extraJvmFlags()) + "`",
                ServingModels.TINY,
                settings.tinyConfig() == null
                        ? "no config.json (the node's default: dynamic batching up to 8 rows)"
                        : "`" + settings.tinyConfig() + "`",
                ServingModels.TINY_BATCHING_OFF,
                ServingModels.TINY_BATCHING_OFF_CONFIG,
                ServingModels.TINY_BATCHING_ON,
                ServingModels.TINY_BATCHING_ON_CONFIG,
                ServingModels.MINILM_TOKENS,
                machine.cpus(),
                ServingModels.TINY,
                EnrolledNode.TELEMETRY_WINDOW.toSeconds(),
                settings.baselineLauncher() == null
                        ? ""
                        : " The rows `" + BASELINE_BUILD.substring(2) + "` are a third node, from another build of "
                                + "Fogline (`--baseline-launcher " + settings.baselineLauncher() + "`), not "
                                + "enrolled, measured in turn with the others in the same windows.",
                STARTUP_RUNS,
                REQUESTS_BEFORE_SECOND_RSS);
    }

    private static String trim(Duration duration) {
        return Double.toString(duration.toMillis() / 1000.0).replaceAll("\\.0$", "");
    }

    static void progress(String pattern, Object... values) {
        System.out.println(String.format(Locale.ROOT, pattern, values));
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

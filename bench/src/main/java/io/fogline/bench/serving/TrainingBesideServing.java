package io.fogline.bench.serving;

import io.fogline.bench.report.ReportSection;
import io.fogline.core.tensor.Tensor;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.federated.FederatedClient;
import io.fogline.learn.federated.RoundConfig;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.ota.TrainingThread;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a federated round's local training costs the inference a node serves meanwhile: a node serves the Fashion-MNIST
 * MLP 256-128 to closed-loop clients while, in turn, nothing trains, the node's own training thread trains the same
 * network on its examples (lowest priority, kernels on that one thread), and a trainer without that policy does (normal
 * priority, kernels across the common pool). Windows of the three interleave, so a change of the machine's load falls
 * on all three; each figure is the median over repetitions.
 */
public final class TrainingBesideServing {

    public static final String HEADING = "## Federated training beside inference (issue 13)";
    private static final String MODEL = "fashion-mlp";
    private static final List<String> PHASES = List.of("idle", "node training thread", "unconfined trainer");

    /** How the benchmark runs; {@code examples} is the local data set a node trains on, over and over. */
    public record Options(
            Path data,
            Path work,
            Path report,
            int clients,
            Duration warmup,
            Duration window,
            int repetitions,
            int examples) {}

    private TrainingBesideServing() {}

    public static void run(Options options, PrintStream out) throws Exception {
        Machine machine = Machine.describe(options.report());
        out.printf(
                "machine: %d cores, %s; load average %s%n",
                machine.cpus(), machine.cpuModel(), machine.loadAverageAtStart());
        Dataset local = FashionMnist.loadPart(options.data(), "train").head(options.examples());
        Network network = ModelSpec.parse("mlp:256,128").build(local.sampleShape(), local.classCount(), 1);
        Path repository = options.work().resolve("models");
        Path version = Files.createDirectories(repository.resolve(MODEL).resolve("1"));
        OnnxExporter.write(
                network,
                new ExportInfo(MODEL, FashionMnist.CLASS_NAMES, "pixels in [0, 1]"),
                version.resolve("model.onnx"));
        Files.writeString(repository.resolve(MODEL).resolve("config.json"), "{\"max_batch_size\": 8}");
        Map<String, List<LoadResult>> windows = new LinkedHashMap<>();
        Map<String, List<Double>> trainingRates = new LinkedHashMap<>();
        PHASES.forEach(phase -> {
            windows.put(phase, new ArrayList<>());
            trainingRates.put(phase, new ArrayList<>());
        });
        try (FoglineNode node = FoglineNode.start(
                NodeOptions.defaults(repository).withHost("127.0.0.1").withHttpPort(0))) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", node.port());
            float[] image = Arrays.copyOf(local.features(), local.featureCount());
            byte[] request = ServingBenchmark.inferRequest(
                    address,
                    MODEL,
                    List.of(Tensor.ofFloats(OnnxExporter.INPUT_NAME, new long[] {1, image.length}, image)),
                    true);
            for (int repetition = 1; repetition <= options.repetitions(); repetition++) {
                for (String phase : PHASES) {
                    AtomicLong trained = new AtomicLong();
                    AtomicBoolean stop = new AtomicBoolean();
                    Background training = train(phase, network, local, stop, trained);
                    long started = System.nanoTime();
                    LoadResult result = ClosedLoopLoad.run(
                            options.clients(),
                            () -> new HttpExchange(address, request),
                            Duration.ZERO,
                            options.warmup(),
                            options.window(),
                            new ClosedLoopLoad.WindowListener() {
                                @Override
                                public void opened() {}

                                @Override
                                public void closed() {}
                            });
                    double seconds = (System.nanoTime() - started) / 1e9;
                    stop.set(true);
                    training.await();
                    double rate = trained.get() / seconds;
                    windows.get(phase).add(result);
                    trainingRates.get(phase).add(rate);
                    out.printf(
                            Locale.ROOT,
                            "[%d/%d] %-22s p50 %.2f ms  p99 %.2f ms  %.0f requests/s  training %.0f examples/s%n",
                            repetition,
                            options.repetitions(),
                            phase,
                            result.p50Nanos() / 1e6,
                            result.p99Nanos() / 1e6,
                            result.completed() / result.seconds(),
                            rate);
                }
            }
        }
        String section = report(machine, options, windows, trainingRates);
        ReportSection.write(options.report(), HEADING, section);
        out.print(section);
    }

    /** A training loop running beside the load until {@code stop}; nothing for the idle phase. */
    private interface Background {
        void await() throws Exception;
    }

    private static Background train(
            String phase, Network network, Dataset local, AtomicBoolean stop, AtomicLong trained) {
        float[] global = network.parameterVector();
        Runnable loop = () -> {
            FederatedClient client = new FederatedClient(network);
            for (int round = 1; !stop.get(); round++) {
                client.train("bench", round, global, local, RoundConfig.sgd(1, 32, 0.05), round);
                trained.addAndGet(local.size());
            }
        };
        switch (phase) {
            case "idle" -> {
                return () -> {};
            }
            case "node training thread" -> {
                ExecutorService thread = TrainingThread.start();
                Future<?> done = thread.submit(() -> TrainingThread.confined(() -> {
                    loop.run();
                    return null;
                }));
                return () -> {
                    done.get();
                    thread.shutdown();
                };
            }
            default -> {
                Thread thread = Thread.ofPlatform().name("unconfined-trainer").start(loop);
                return thread::join;
            }
        }
    }

    private static String report(
            Machine machine,
            Options options,
            Map<String, List<LoadResult>> windows,
            Map<String, List<Double>> trainingRates) {
        StringBuilder text = new StringBuilder(HEADING).append("\n\n");
        text.append(String.format(
                Locale.ROOT,
                "- Machine: %d CPUs (%s), %s, %s; JDK %s; load average at start %s%n- Commit: %s, %s%n",
                machine.cpus(),
                machine.cpuModel(),
                machine.memory(),
                machine.os(),
                machine.jdk(),
                machine.loadAverageAtStart(),
                machine.commit(),
                machine.date()));
        text.append(String.format(
                Locale.ROOT,
                "- Method: `fogline bench train-beside-serving`. One node (in process) serves the Fashion-MNIST MLP"
                        + " 256-128 (235k parameters) to %d closed-loop clients (binary v2 requests of one image),"
                        + " while nothing trains, while the node's training thread (what a federated round uses:"
                        + " lowest priority, kernels on that thread alone) trains the same network on %d local"
                        + " examples again and again, and while a trainer without that policy (normal priority,"
                        + " kernels across the common pool) does. %d windows of %d s each (after %d s of warm-up),"
                        + " interleaved; medians.%n%n",
                options.clients(),
                options.examples(),
                options.repetitions(),
                options.window().toSeconds(),
                options.warmup().toSeconds()));
        text.append("| training | p50 ms | p99 ms | requests/s | training examples/s |\n|---|---|---|---|---|\n");
        LoadResult idle = LoadResult.median(windows.get("idle"));
        for (String phase : PHASES) {
            LoadResult result = LoadResult.median(windows.get(phase));
            text.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f | %.2f | %.0f | %s |%n",
                    phase,
                    result.p50Nanos() / 1e6,
                    result.p99Nanos() / 1e6,
                    result.completed() / result.seconds(),
                    phase.equals("idle") ? "–" : String.format(Locale.ROOT, "%.0f", median(trainingRates.get(phase)))));
        }
        LoadResult node = LoadResult.median(windows.get("node training thread"));
        LoadResult unconfined = LoadResult.median(windows.get("unconfined trainer"));
        text.append(String.format(
                Locale.ROOT,
                "%nInference p99 while the node trains: %.2f× idle (%.2f× with the unconfined trainer). Linux applies"
                        + " no Java thread priority unless the JVM runs with -XX:ThreadPriorityPolicy=1 as root, so what"
                        + " leaves cores to inference is the confinement to one thread; on a machine of %d cores whose"
                        + " load average exceeds them, that one thread still takes a share of the cores the clients"
                        + " and the node's event loop wait for.%n",
                (double) node.p99Nanos() / idle.p99Nanos(),
                (double) unconfined.p99Nanos() / idle.p99Nanos(),
                machine.cpus()));
        return text.toString();
    }

    private static double median(List<Double> values) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}

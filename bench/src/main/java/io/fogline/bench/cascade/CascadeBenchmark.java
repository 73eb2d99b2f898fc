package io.fogline.bench.cascade;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.bench.serving.Machine;
import io.fogline.bench.serving.NodeProcess;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.Permutations;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code fogline bench cascade}: a small Fashion-MNIST model on an edge node escalates the images it is unsure of to a
 * bigger model on a parent node behind a link of fixed delay. Sweeps the escalation threshold and measures accuracy,
 * the share answered at the edge, and latency, beside the two models alone, all on the same test images in one run.
 */
public final class CascadeBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final String EDGE = "edge";
    private static final String EDGE_ALONE = "edge-alone";
    private static final String BIG = "big";

    private CascadeBenchmark() {}

    /** The figures of a run, peers first. */
    public record Result(
            Machine machine,
            Measurement bigThroughLink,
            Measurement bigNoDelay,
            Measurement edgeAlone,
            List<Measurement> sweep) {}

    public static Result run(CascadeOptions options, PrintStream out) throws Exception {
        Machine machine = Machine.describe(options.report());
        out.printf(
                "machine: %d cores, %s; load average %s%n",
                machine.cpus(), machine.cpuModel(), machine.loadAverageAtStart());
        Dataset test = FashionMnist.load(options.dataDirectory()).test();
        CascadeReport.startRows(options.rows());
        out.println("each row goes to " + options.rows().toAbsolutePath() + " as soon as it is measured");
        int[] sample = Arrays.copyOf(
                Permutations.shuffled(test.size(), new SplittableRandom(7)), Math.min(options.samples(), test.size()));
        Path edgeModel =
                TrainedModels.trainedOrCached(options.edgeModel(), EDGE, options.work(), options.dataDirectory(), out);
        Path bigModel =
                TrainedModels.trainedOrCached(options.bigModel(), BIG, options.work(), options.dataDirectory(), out);

        Path fogRepository = freshDirectory(options.work().resolve("fog-repository"));
        copyModel(bigModel, fogRepository.resolve(BIG));
        Path edgeRepository = freshDirectory(options.work().resolve("edge-repository"));
        copyModel(edgeModel, edgeRepository.resolve(EDGE_ALONE));
        copyModel(edgeModel, edgeRepository.resolve(EDGE));
        ObjectNode edgeConfig =
                (ObjectNode) JSON.readTree(edgeModel.resolve("config.json").toFile());

        out.println("starting the parent node and the edge node through " + options.launcher());
        try (NodeProcess fog = NodeProcess.spawnWithLauncher(
                        options.launcher(), fogRepository, options.work().resolve("fog-node.log"));
                DelayProxy link = startLink(fog, options.delay());
                NodeProcess edge = startEdge(options, edgeRepository, edgeConfig, link);
                ImageClient client = new ImageClient(test, sample);
                HttpClient admin = HttpClient.newHttpClient()) {
            String fogUrl = url(fog);
            String edgeUrl = url(edge);
            int concurrency = options.concurrency();
            client.warmUp(fogUrl, BIG, 64);
            client.warmUp(edgeUrl, EDGE_ALONE, 64);
            Measurement bigThroughLink = report(
                    out,
                    options.rows(),
                    client.measure(
                                    "big model alone, over the "
                                            + options.delay().toMillis() + " ms link",
                                    Double.NaN,
                                    link.url(),
                                    BIG,
                                    concurrency)
                            .allAtParent());
            Measurement bigNoDelay = report(
                    out,
                    options.rows(),
                    client.measure("big model alone, no link delay", Double.NaN, fogUrl, BIG, concurrency)
                            .allAtParent());
            Measurement edgeAlone = report(
                    out,
                    options.rows(),
                    client.measure("edge model alone", Double.NaN, edgeUrl, EDGE_ALONE, concurrency));
            List<Measurement> sweep = new ArrayList<>();
            for (double threshold : options.thresholds()) {
                reload(admin, edgeUrl, withRouting(edgeConfig, link.url(), options.rule(), threshold, options.delay()));
                client.warmUp(edgeUrl, EDGE, 16);
                sweep.add(
                        report(out, options.rows(), client.measure("cascade", threshold, edgeUrl, EDGE, concurrency)));
            }
            Result result = new Result(machine, bigThroughLink, bigNoDelay, edgeAlone, sweep);
            CascadeReport.write(options, result);
            DeferralChart.draw(result, options.chart());
            if (options.report() != null) {
                out.println("wrote " + options.report().toAbsolutePath() + " (section \"" + options.section() + "\")");
            }
            out.println("wrote " + options.chart().toAbsolutePath());
            return result;
        }
    }

    private static DelayProxy startLink(NodeProcess fog, Duration delay) throws IOException, InterruptedException {
        fog.awaitReady(READY_TIMEOUT);
        return new DelayProxy(fog.address(), delay);
    }

    private static NodeProcess startEdge(
            CascadeOptions options, Path repository, ObjectNode baseConfig, DelayProxy link)
            throws IOException, InterruptedException {
        // The first threshold from the start, so that a load at start-up checks the section as a reload does.
        Files.writeString(
                repository.resolve(EDGE).resolve("config.json"),
                withRouting(
                        baseConfig,
                        link.url(),
                        options.rule(),
                        options.thresholds().getFirst(),
                        options.delay()));
        NodeProcess edge = NodeProcess.spawnWithLauncher(
                options.launcher(), repository, options.work().resolve("edge-node.log"));
        edge.awaitReady(READY_TIMEOUT);
        return edge;
    }

    /** The edge model's config with a routing section that escalates by {@code rule} below {@code threshold}. */
    static String withRouting(
            ObjectNode baseConfig, String parentUrl, CascadeOptions.Rule rule, double threshold, Duration delay) {
        ObjectNode config = baseConfig.deepCopy();
        ObjectNode routing = config.putObject("routing");
        routing.putObject("escalate_when").put(rule.key(), threshold);
        routing.putArray("parents")
                .addObject()
                .put("name", "fog")
                .put("url", parentUrl)
                .put("model", BIG);
        routing.put("timeout_ms", delay.toMillis() + 2000);
        return config.toString();
    }

    private static void reload(HttpClient admin, String edgeUrl, String config)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("parameters").put("config", config);
        HttpResponse<String> response = admin.send(
                HttpRequest.newBuilder(URI.create(edgeUrl + "/v2/repository/models/" + EDGE + "/load"))
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    "reloading the edge model failed: HTTP " + response.statusCode() + " " + response.body());
        }
    }

    private static Measurement report(PrintStream out, Path rows, Measurement measurement) throws IOException {
        CascadeReport.appendRow(rows, measurement);
        out.printf(
                Locale.ROOT,
                "%-40s %s accuracy %.2f%%  at the edge %5.1f%%  mean %7.2f ms  p50 %7.2f ms  p99 %7.2f ms%s%n",
                measurement.setup(),
                Double.isNaN(measurement.threshold())
                        ? "          "
                        : String.format(Locale.ROOT, "t=%.3f   ", measurement.threshold()),
                measurement.accuracy() * 100,
                (1 - measurement.escalated()) * 100,
                measurement.meanMillis(),
                measurement.p50Millis(),
                measurement.p99Millis(),
                measurement.degraded() > 0 ? "  (" + measurement.degraded() + " degraded)" : "");
        return measurement;
    }

    private static String url(NodeProcess node) {
        return "http://127.0.0.1:" + node.address().getPort();
    }

    private static Path freshDirectory(Path directory) throws IOException {
        TrainedModels.deleteRecursively(directory);
        return Files.createDirectories(directory);
    }

    private static void copyModel(Path from, Path to) throws IOException {
        Files.createDirectories(to.resolve("1"));
        Files.copy(from.resolve("1").resolve("model.onnx"), to.resolve("1").resolve("model.onnx"));
        for (String file : List.of("config.json", "labels.txt")) {
            Files.copy(from.resolve(file), to.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

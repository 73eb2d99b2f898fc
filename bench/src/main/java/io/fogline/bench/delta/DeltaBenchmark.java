package io.fogline.bench.delta;

import io.fogline.bench.report.ReportSection;
import io.fogline.bench.serving.Machine;
import io.fogline.bundle.delta.DeltaException;
import io.fogline.bundle.delta.FileDelta;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.model.Layer;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.model.Parameter;
import io.fogline.learn.train.Evaluation;
import io.fogline.learn.train.ParameterPenalty;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * What a delta update saves on Fashion-MNIST models that {@code learn} trains: a base version, the same with its last
 * layer alone fine-tuned, with every layer fine-tuned, and retrained from scratch. Each later version is sent as the
 * delta against the base where there is one (docs/protocol.md, "Delta updates"), rebuilt from the base as a node does,
 * and checked byte for byte.
 */
public final class DeltaBenchmark {

    public static final String HEADING = "## Delta updates (issue 12)";
    private static final int REBUILDS = 5;

    /**
     * @param epochs the base's and the retrained version's epochs
     * @param fineTuneEpochs the fine-tuned versions' epochs, from the base
     */
    public record Options(Path data, String model, int epochs, int fineTuneEpochs, long seed, Path report) {}

    /** One later version: how it was made, its accuracy, and what reaches a device that runs the base. */
    record Row(String version, double accuracy, long fileBytes, long gzipBytes, Long deltaBytes, double rebuildMs) {}

    private DeltaBenchmark() {}

    public static void run(Options options, PrintStream out) throws IOException, DeltaException {
        Machine machine = Machine.describe(options.report());
        TrainTest data = FashionMnist.load(options.data());
        ModelSpec spec = ModelSpec.parse(options.model());
        out.printf("training the base %s for %d epochs%n", options.model(), options.epochs());
        Network base = spec.build(data.train().sampleShape(), data.train().classCount(), options.seed());
        train(base, data, options.epochs(), options.seed(), ParameterPenalty.NONE, out);
        byte[] baseFile = export(base);
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("base", Evaluation.accuracy(base, data.test()), baseFile.length, gzip(baseFile), null, 0));

        out.printf("fine-tuning the last layer alone for %d epochs%n", options.fineTuneEpochs());
        Network lastLayer = copy(spec, base, data);
        train(lastLayer, data, options.fineTuneEpochs(), options.seed() + 1, frozenBut(lastDense(lastLayer)), out);
        rows.add(measure("last layer fine-tuned", lastLayer, baseFile, data, out));

        out.printf("fine-tuning every layer for %d epochs%n", options.fineTuneEpochs());
        Network allLayers = copy(spec, base, data);
        train(allLayers, data, options.fineTuneEpochs(), options.seed() + 1, ParameterPenalty.NONE, out);
        rows.add(measure("every layer fine-tuned", allLayers, baseFile, data, out));

        out.printf("retraining from scratch for %d epochs%n", options.epochs());
        Network retrained = spec.build(data.train().sampleShape(), data.train().classCount(), options.seed() + 2);
        train(retrained, data, options.epochs(), options.seed() + 2, ParameterPenalty.NONE, out);
        rows.add(measure("retrained from scratch", retrained, baseFile, data, out));

        String section = DeltaReport.markdown(machine, options, rows);
        ReportSection.write(options.report(), HEADING, section);
        out.println(section);
        if (options.report() != null) {
            out.println("written to " + options.report());
        }
    }

    private static Row measure(String version, Network network, byte[] baseFile, TrainTest data, PrintStream out)
            throws IOException, DeltaException {
        byte[] file = export(network);
        Optional<byte[]> delta = FileDelta.between(baseFile, file);
        double rebuildMs = 0;
        if (delta.isPresent()) {
            rebuildMs = rebuildMillis(baseFile, file, delta.get());
        }
        Row row = new Row(
                version,
                Evaluation.accuracy(network, data.test()),
                file.length,
                gzip(file),
                delta.map(bytes -> (long) bytes.length).orElse(null),
                rebuildMs);
        out.printf(
                Locale.ROOT,
                "  %s: file %,d bytes, %s%n",
                version,
                file.length,
                delta.isPresent()
                        ? "delta " + String.format(Locale.ROOT, "%,d", delta.get().length) + " bytes"
                        : "no delta");
        return row;
    }

    /** Rebuilds the file from the base and the delta as a node does, checks it, and returns the median time. */
    private static double rebuildMillis(byte[] baseFile, byte[] file, byte[] delta) throws IOException, DeltaException {
        Path base = Files.createTempFile("delta-base", ".onnx");
        try {
            Files.write(base, baseFile);
            double[] times = new double[REBUILDS];
            for (int i = 0; i < REBUILDS; i++) {
                ByteArrayOutputStream rebuilt = new ByteArrayOutputStream(file.length);
                long start = System.nanoTime();
                FileDelta.apply(base, sha256(baseFile), new ByteArrayInputStream(delta), sha256(file), rebuilt);
                times[i] = (System.nanoTime() - start) / 1e6;
                if (!Arrays.equals(rebuilt.toByteArray(), file)) {
                    throw new IllegalStateException("the delta rebuilt other bytes than the file");
                }
            }
            Arrays.sort(times);
            return times[REBUILDS / 2];
        } finally {
            Files.deleteIfExists(base);
        }
    }

    private static void train(
            Network network, TrainTest data, int epochs, long seed, ParameterPenalty penalty, PrintStream out) {
        TrainingListener listener = report -> out.printf(
                Locale.ROOT,
                "  epoch %d/%d  loss %.4f  test %.2f%%  %.1f s%n",
                report.epoch(),
                report.epochs(),
                report.trainLoss(),
                report.validationAccuracy() * 100,
                report.duration().toMillis() / 1000.0);
        new Trainer(TrainingConfig.adam(epochs, seed))
                .withPenalty(penalty)
                .fit(network, data.train(), data.test(), listener);
    }

    /**
     * Freezes every parameter but {@code trained}: their gradients are zeroed before each step, so Adam (without weight
     * decay) leaves their bytes exactly as they were, as a fine-tuning of the last layer does.
     */
    private static ParameterPenalty frozenBut(List<Parameter> trained) {
        return parameters -> {
            for (Parameter parameter : parameters) {
                if (!trained.contains(parameter)) {
                    Arrays.fill(parameter.gradients(), 0f);
                }
            }
        };
    }

    private static List<Parameter> lastDense(Network network) {
        List<Layer> layers = network.layers();
        for (int k = layers.size() - 1; k >= 0; k--) {
            if (!layers.get(k).parameters().isEmpty()) {
                return layers.get(k).parameters();
            }
        }
        throw new IllegalArgumentException("the network has no layer with parameters");
    }

    private static Network copy(ModelSpec spec, Network network, TrainTest data) {
        Network copy = spec.build(data.train().sampleShape(), data.train().classCount(), 0);
        copy.loadParameterVector(network.parameterVector());
        return copy;
    }

    private static byte[] export(Network network) {
        return OnnxExporter.toModel(network, new ExportInfo("fashion", FashionMnist.CLASS_NAMES, "delta benchmark"))
                .toByteArray();
    }

    private static long gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.size();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

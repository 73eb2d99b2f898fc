package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.export.OnnxImporter;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.prune.PruneJob;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code optimize distill}, {@code optimize prune} and {@code optimize quantize} chained on a small Fashion-MNIST
 * teacher: each writes a smaller model and a report that carries every earlier step.
 */
class ShrinkCommandsTest {

    @TempDir
    static Path directory;

    static Path teacher;

    @BeforeAll
    static void trainATeacher() throws IOException {
        TrainTest data = FashionMnist.load();
        Network network = ModelSpec.parse("mlp:64").build(new int[] {784}, 10, 1);
        new Trainer(TrainingConfig.adam(1, 1))
                .fit(network, data.train(), data.test().head(0), TrainingListener.SILENT);
        teacher = directory.resolve("teacher.onnx");
        OnnxExporter.write(network, new ExportInfo("teacher", FashionMnist.CLASS_NAMES, "test teacher"), teacher);
    }

    @Test
    void distilPruneAndQuantizeComposeIntoOneReport() throws IOException {
        Path student = directory.resolve("student.onnx");
        Path pruned = directory.resolve("pruned.onnx");
        Path samples = directory.resolve("test-samples");
        Path quantized = directory.resolve("int8.onnx");

        CommandRun distill = CommandRun.of(
                "optimize",
                "distill",
                "--teacher",
                teacher.toString(),
                "--student",
                "mlp:32",
                "--epochs",
                "1",
                "--temperature",
                "3",
                "--alpha",
                "0.5",
                "--out",
                student.toString());
        assertThat(distill.exitCode()).as(distill.err()).isZero();
        assertThat(distill.out())
                .contains("distilling mlp:32")
                .contains("teacher")
                .contains("distilled mlp:32");
        assertThat(PruneJob.widths(OnnxImporter.read(student).network())).containsExactly(32);

        CommandRun prune = CommandRun.of(
                "optimize",
                "prune",
                "--in",
                student.toString(),
                "--out",
                pruned.toString(),
                "--fraction",
                "0.5",
                "--epochs",
                "1",
                "--teacher",
                teacher.toString());
        assertThat(prune.exitCode()).as(prune.err()).isZero();
        assertThat(PruneJob.widths(OnnxImporter.read(pruned).network())).containsExactly(16);
        assertThat(Files.size(pruned)).isLessThan(Files.size(student));

        CommandRun export = CommandRun.of("datasets", "samples", "--out", samples.toString(), "--count", "500");
        assertThat(export.exitCode()).as(export.err()).isZero();
        CommandRun quantize = CommandRun.of(
                "optimize",
                "quantize",
                "--in",
                pruned.toString(),
                "--out",
                quantized.toString(),
                "--evaluation",
                samples.toString());
        assertThat(quantize.exitCode()).as(quantize.err()).isZero();

        String report = Files.readString(directory.resolve("int8.onnx.report.json"));
        assertThat(report)
                .containsSubsequence(
                        "\"step\" : \"teacher\"",
                        "\"step\" : \"distilled mlp:32\"",
                        "\"step\" : \"pruned 50%\"",
                        "\"step\" : \"int8 dynamic\"");
    }

    @Test
    void aTeacherThatIsNotAFoglineModelIsRefusedInOneLine() throws IOException {
        Path notAModel = Files.writeString(directory.resolve("teacher.txt"), "not a model");

        CommandRun run = CommandRun.of(
                "optimize",
                "distill",
                "--teacher",
                notAModel.toString(),
                "--student",
                "mlp:8",
                "--out",
                directory.resolve("never.onnx").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err())
                .startsWith("fogline: " + notAModel + " is not an ONNX model")
                .hasLineCount(1);
        assertThat(directory.resolve("never.onnx")).doesNotExist();
    }

    @Test
    void badSettingsAreRefusedBeforeAnyWork() {
        Path out = directory.resolve("never.onnx");
        assertThat(CommandRun.of(
                                "optimize",
                                "prune",
                                "--in",
                                teacher.toString(),
                                "--out",
                                out.toString(),
                                "--fraction",
                                "1")
                        .err())
                .isEqualTo("fogline: --fraction must be between 0 and 1, not 1.0\n");
        assertThat(CommandRun.of(
                                "optimize",
                                "distill",
                                "--teacher",
                                teacher.toString(),
                                "--student",
                                "mlp:8",
                                "--out",
                                out.toString(),
                                "--alpha",
                                "1.5")
                        .err())
                .isEqualTo("fogline: --alpha must be in [0, 1], not 1.5\n");
        assertThat(CommandRun.of(
                                "optimize",
                                "distill",
                                "--teacher",
                                teacher.toString(),
                                "--student",
                                "rnn:8",
                                "--out",
                                out.toString())
                        .err())
                .startsWith("fogline: unknown model 'rnn:8'");
        assertThat(out).doesNotExist();
    }
}

package io.fogline.learn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.fogline.learn.export.OnnxImporter;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.train.EpochReport;
import io.fogline.learn.train.TrainingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainJobTest {

    @Test
    void writesAModelRepositoryEntryAndReportsTestAccuracy(@TempDir Path repository) throws Exception {
        TrainJob.Options options = TrainJob.Options.fashionMnist(ModelSpec.parse("softmax"), 1, repository)
                .withTraining(TrainingConfig.adam(1, 1).withLearningRate(3e-3));
        List<EpochReport> progress = new ArrayList<>();

        TrainJob.Result first = TrainJob.run(options, progress::add);
        TrainJob.Result second = TrainJob.run(options, progress::add);

        Path modelDirectory = repository.resolve("fashion-mnist-softmax");
        assertThat(first.modelFile()).isEqualTo(modelDirectory.resolve("1/model.onnx"));
        assertThat(second.modelFile()).isEqualTo(modelDirectory.resolve("2/model.onnx"));
        assertThat(first.testAccuracy()).isGreaterThan(0.8);
        assertThat(first.parameterCount()).isEqualTo(7850);
        assertThat(progress).hasSize(2).allMatch(EpochReport::hasValidation);
        assertThat(Files.readAllLines(modelDirectory.resolve("labels.txt"), StandardCharsets.UTF_8))
                .hasSize(10)
                .startsWith("T-shirt/top", "Trouser")
                .endsWith("Ankle boot");
        assertThat(Files.readString(modelDirectory.resolve("config.json")))
                .contains("\"max_batch_size\": 64", "\"max_queue_delay_microseconds\": 200", "\"labels.txt\"");
        try (OrtSession session = OrtEnvironment.getEnvironment()
                .createSession(first.modelFile().toString(), new OrtSession.SessionOptions())) {
            assertThat(session.getOutputNames()).containsExactly("probabilities");
        }
    }

    @Test
    void keepsTheNetworkAfterEachEpochUntilTheRunEndsOutsideTheVersions(@TempDir Path repository) throws Exception {
        TrainJob.Options options = TrainJob.Options.fashionMnist(ModelSpec.parse("softmax"), 2, repository)
                .withTraining(TrainingConfig.adam(2, 1));
        Path checkpoint = repository
                .resolve("fashion-mnist-softmax")
                .resolve(TrainJob.CHECKPOINT)
                .resolve("model.onnx");
        List<String> seen = new ArrayList<>();

        TrainJob.Result result =
                TrainJob.run(options, report -> seen.add(report.epoch() + ": " + describe(checkpoint)));

        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).startsWith("1: checkpoint after epoch 1 of 2: softmax trained by Fogline");
        assertThat(seen.get(1)).startsWith("2: checkpoint after epoch 2 of 2:");
        assertThat(checkpoint.getParent()).doesNotExist();
        assertThat(result.modelFile()).exists();
    }

    private static String describe(Path checkpoint) {
        try {
            return OnnxImporter.readInfo(checkpoint).description();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void defaultNamesAreRepositorySafe() {
        assertThat(TrainJob.defaultModelName("fashion-mnist", ModelSpec.parse("mlp:256,128:dropout=0.2")))
                .isEqualTo("fashion-mnist-mlp-256-128-dropout-0-2");
    }
}

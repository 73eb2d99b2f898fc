package io.fogline.learn.prune;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.export.OnnxImporter;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Augmentation;
import io.fogline.learn.train.Evaluation;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneJobTest {

    @Test
    void halvesAnMlpInTwoRoundsAndFineTunesBackMostOfTheAccuracy(@TempDir Path directory) throws IOException {
        TrainTest data = FashionMnist.load();
        Dataset train = data.train().head(10_000);
        Dataset test = data.test().head(2_000);
        Network network = ModelSpec.parse("mlp:64,32").build(new int[] {784}, 10, 1);
        new Trainer(TrainingConfig.adam(3, 1)).fit(network, train, test.head(0), TrainingListener.SILENT);
        ExportInfo info = new ExportInfo("pruned", FashionMnist.CLASS_NAMES, "test");
        Path before = directory.resolve("before.onnx");
        Path after = directory.resolve("after.onnx");
        OnnxExporter.write(network, info, before);

        PruneJob.Result result = PruneJob.run(
                new PruneJob.Options(
                        OnnxImporter.read(before).network(),
                        info,
                        train,
                        test,
                        0.5,
                        2,
                        TrainingConfig.adam(2, 2),
                        Augmentation.NONE,
                        Optional.empty(),
                        0.1,
                        after),
                TrainingListener.SILENT);

        assertThat(result.widthsBefore()).containsExactly(64, 32);
        assertThat(result.rounds())
                .extracting(PruneJob.Round::widths)
                .containsExactly(List.of(45, 23), List.of(32, 16));
        assertThat(result.parametersAfter()).isLessThan(result.parametersBefore() / 2 + 1_000);
        for (PruneJob.Round round : result.rounds()) {
            assertThat(round.fineTunedAccuracy()).isGreaterThan(round.prunedAccuracy());
        }
        assertThat(result.accuracyAfter()).isGreaterThan(result.accuracyBefore() - 0.03);
        assertThat(Files.size(after)).isLessThan(Files.size(before) * 55 / 100);
        assertThat(Evaluation.accuracy(OnnxImporter.read(after).network(), test))
                .isEqualTo(result.accuracyAfter());
    }
}

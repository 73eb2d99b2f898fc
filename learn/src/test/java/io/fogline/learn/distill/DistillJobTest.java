package io.fogline.learn.distill;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxImporter;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Augmentation;
import io.fogline.learn.train.Evaluation;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistillJobTest {

    /**
     * With all the weight on the teacher, a student given nothing but wrong labels still learns the task: what it
     * learns comes from the teacher's answers.
     */
    @Test
    void aStudentLearnsFromTheTeacherEvenWhenEveryLabelIsWrong(@TempDir Path directory) throws IOException {
        TrainTest data = FashionMnist.load();
        Dataset train = data.train().head(8_000);
        Dataset test = data.test().head(2_000);
        Network teacher = ModelSpec.parse("mlp:64").build(new int[] {784}, 10, 1);
        new Trainer(TrainingConfig.adam(3, 1)).fit(teacher, train, test.head(0), TrainingListener.SILENT);
        Dataset scrambled =
                new Dataset(train.features(), wrongLabels(train.labels(), 10), train.sampleShape(), train.classNames());
        Path output = directory.resolve("student.onnx");

        DistillJob.Result result = DistillJob.run(
                new DistillJob.Options(
                        new Distillation(Teacher.of(teacher), 2, 1),
                        scrambled,
                        test,
                        ModelSpec.parse("mlp:32"),
                        TrainingConfig.adam(3, 2),
                        Augmentation.NONE,
                        0.1,
                        output,
                        new ExportInfo("student", FashionMnist.CLASS_NAMES, "distilled")),
                TrainingListener.SILENT);

        assertThat(result.teacherTestAccuracy()).isGreaterThan(0.8);
        // Trained on the labels alone it would be right on almost none: every one of them is wrong.
        assertThat(result.testAccuracy()).isGreaterThan(0.7);
        Network written = OnnxImporter.read(output).network();
        assertThat(Evaluation.accuracy(written, test)).isEqualTo(result.testAccuracy());
    }

    /** Each label moved to another class. */
    private static int[] wrongLabels(int[] labels, int classes) {
        SplittableRandom random = new SplittableRandom(5);
        int[] wrong = new int[labels.length];
        for (int k = 0; k < labels.length; k++) {
            wrong[k] = (labels[k] + 1 + random.nextInt(classes - 1)) % classes;
        }
        return wrong;
    }
}

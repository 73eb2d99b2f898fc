package io.fogline.cli;

import io.fogline.learn.data.TrainTest;
import io.fogline.learn.distill.DistillJob;
import io.fogline.learn.distill.Distillation;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.train.ProgressPrinter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fogline optimize distill}: a smaller student trained on a teacher model's softened answers. */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        description = "Train a student of any architecture train knows on a teacher model's softened answers mixed"
                + " with the labels, then report size, latency and accuracy of teacher and student (and every step"
                + " recorded beside the teacher).")
final class DistillCommand implements Callable<Integer> {

    @Option(names = "--teacher", required = true, description = "The teacher: an ONNX model Fogline trained.")
    Path teacher;

    @Option(
            names = "--student",
            required = true,
            description = "The student's architecture: softmax, mlp:W1[,W2...][:dropout=R] or"
                    + " cnn:F1[,F2...][:dense=W][:dropout=R].")
    String student;

    @Option(names = "--out", required = true, description = "Where the student's ONNX model goes.")
    Path output;

    @Option(
            names = "--epochs",
            defaultValue = "10",
            description = "Passes over the training set (default ${DEFAULT-VALUE}).")
    int epochs;

    @Mixin
    TeacherOptions teaching;

    @Mixin
    LearningData learning;

    @Override
    public Integer call() throws Exception {
        ModelSpec spec = ModelSpec.parse(student);
        Distillation distillation = teaching.from(teacher);
        TrainTest data = learning.load();
        ExportInfo info = new ExportInfo(
                "distilled",
                data.train().classNames(),
                "%s distilled by Fogline from %s (temperature %s, alpha %s) on %s for %d epochs; input: %d pixels scaled"
                                .formatted(
                                        spec,
                                        teacher.getFileName(),
                                        teaching.temperature,
                                        teaching.alpha,
                                        learning.dataset,
                                        epochs,
                                        data.train().featureCount())
                        + " to [0, 1], row-major");
        System.out.printf(
                Locale.ROOT,
                "distilling %s from %s for %d epochs (temperature %s, alpha %s)%n",
                spec,
                teacher,
                epochs,
                teaching.temperature,
                teaching.alpha);
        DistillJob.Result result = DistillJob.run(
                new DistillJob.Options(
                        distillation,
                        data.train(),
                        data.test(),
                        spec,
                        learning.training(epochs),
                        learning.augmentation(),
                        0.1,
                        output,
                        info),
                new ProgressPrinter(System.out));
        System.out.printf(
                Locale.ROOT,
                "test accuracy: teacher %.2f%%, student %.2f%% (%,d parameters, %.1f s of training)%n",
                100 * result.teacherTestAccuracy(),
                100 * result.testAccuracy(),
                result.network().parameterCount(),
                result.training().duration().toMillis() / 1000.0);
        LearningData.report(teacher, "teacher", "distilled " + spec, output, data.test());
        return 0;
    }
}

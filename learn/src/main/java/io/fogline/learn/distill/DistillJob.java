package io.fogline.learn.distill;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.Splits;
import io.fogline.learn.export.ExportInfo;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Augmentation;
import io.fogline.learn.train.Evaluation;
import io.fogline.learn.train.Trainer;
import io.fogline.learn.train.TrainingConfig;
import io.fogline.learn.train.TrainingListener;
import io.fogline.learn.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code fogline optimize distill}: trains a student of any architecture the trainer knows on a teacher's softened
 * answers mixed with the true labels, measures both on the test examples, and writes the student as ONNX.
 */
public final class DistillJob {

    /**
     * @param distillation the teacher, the temperature and the weight of its answers against the labels
     * @param train the labelled examples to learn from; a share is held out for validation
     * @param test examples to measure teacher and student on
     * @param student the student's architecture
     * @param training epochs, optimizer and seed
     * @param augmentation applied to the student's images (the teacher's answers are for the originals)
     * @param validationFraction held out of {@code train} to report validation accuracy per epoch
     * @param output the ONNX file to write
     * @param info the name, labels and description written into it
     */
    public record Options(
            Distillation distillation,
            Dataset train,
            Dataset test,
            ModelSpec student,
            TrainingConfig training,
            Augmentation augmentation,
            double validationFraction,
            Path output,
            ExportInfo info) {}

    /**
     * @param network the trained student
     * @param teacherTestAccuracy the teacher's accuracy on the test examples
     * @param testAccuracy the student's
     */
    public record Result(Network network, TrainingResult training, double teacherTestAccuracy, double testAccuracy) {}

    private DistillJob() {}

    public static Result run(Options options, TrainingListener listener) throws IOException {
        Splits.TrainValidation split = Splits.holdOut(
                options.train(),
                options.validationFraction(),
                options.training().seed());
        Dataset train = split.train();
        Network student = options.student()
                .build(
                        train.sampleShape(),
                        train.classCount(),
                        options.training().seed());
        TrainingResult training = new Trainer(options.training())
                .withLoss(options.distillation().lossFor(train))
                .withAugmentation(options.augmentation())
                .fit(student, train, split.validation(), listener);
        double teacherAccuracy = Evaluation.accuracy(
                options.distillation().answers(options.test()),
                options.test().labels(),
                options.test().classCount());
        double studentAccuracy = Evaluation.accuracy(student, options.test());
        OnnxExporter.write(student, options.info(), options.output());
        return new Result(student, training, teacherAccuracy, studentAccuracy);
    }
}

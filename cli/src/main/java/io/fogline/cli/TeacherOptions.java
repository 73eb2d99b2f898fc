package io.fogline.cli;

import io.fogline.learn.distill.Distillation;
import io.fogline.learn.distill.Teacher;
import io.fogline.learn.export.OnnxImporter;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a student learns from a teacher: its softened answers at a temperature, mixed with the true labels. */
final class TeacherOptions {

    @Option(
            names = "--temperature",
            defaultValue = "4",
            description = "Softens the teacher's answers so the student sees which wrong classes are close"
                    + " (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(
            names = "--alpha",
            defaultValue = "0.7",
            description = "Share of the loss that follows the teacher; the rest follows the labels"
                    + " (default ${DEFAULT-VALUE}).")
    double alpha;

    /** A teacher read from a model Fogline wrote ({@code train}, {@code optimize distill} or {@code prune}). */
    Distillation from(Path teacherModel) throws IOException {
        if (!(temperature > 0)) {
            throw UserError.usage("--temperature must be positive, not " + temperature);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw UserError.usage("--alpha must be in [0, 1], not " + alpha);
        }
        Teacher teacher = Teacher.of(OnnxImporter.read(teacherModel).network());
        return new Distillation(teacher, temperature, alpha);
    }
}

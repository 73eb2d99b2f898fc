package io.fogline.learn.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fogline.learn.model.Softmax;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class DistillationLossTest {

    private static final int CLASSES = 4;
    private static final int BATCH = 3;
    private static final int EXAMPLES = 6;

    /** The gradient it writes agrees with central finite differences of the loss it returns. */
    @Property(tries = 50)
    void gradientMatchesFiniteDifferences(
            @ForAll @DoubleRange(min = 1, max = 8) double temperature,
            @ForAll @DoubleRange(min = 0, max = 1) double softWeight,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        DistillationLoss loss = new DistillationLoss(teacherAnswers(random), CLASSES, temperature, softWeight);
        float[] logits = new float[BATCH * CLASSES];
        for (int k = 0; k < logits.length; k++) {
            logits[k] = (float) (3 * random.nextGaussian());
        }
        int[] examples = {4, 0, 2};
        int[] labels = random.ints(BATCH, 0, CLASSES).toArray();
        float[] gradient = new float[logits.length];
        loss.lossAndGradient(logits, examples, labels, BATCH, CLASSES, gradient);

        double step = 1e-2;
        for (int k = 0; k < logits.length; k++) {
            float saved = logits[k];
            logits[k] = (float) (saved + step);
            double plus = loss.lossAndGradient(logits, examples, labels, BATCH, CLASSES, new float[logits.length]);
            logits[k] = (float) (saved - step);
            double minus = loss.lossAndGradient(logits, examples, labels, BATCH, CLASSES, new float[logits.length]);
            logits[k] = saved;
            double numeric = (plus - minus) / (2 * step) / BATCH;
            assertThat((double) gradient[k])
                    .as("logit %d", k)
                    .isCloseTo(numeric, within(2e-3 + 1e-2 * Math.abs(numeric)));
        }
    }

    @Test
    void isLeastWhereTheStudentAgreesWithTheTeacher() {
        float[] teacher = {0.7f, 0.2f, 0.05f, 0.05f};
        DistillationLoss loss = new DistillationLoss(teacher, CLASSES, 3, 1);
        float[] agreeing = new float[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            agreeing[c] = (float) Math.log(teacher[c]);
        }
        float[] gradient = new float[CLASSES];

        double atTeacher = loss.lossAndGradient(agreeing, new int[] {0}, new int[] {1}, 1, CLASSES, gradient);

        assertThat(atTeacher).isCloseTo(0, within(1e-6));
        for (float component : gradient) {
            assertThat(component).isCloseTo(0f, within(1e-6f));
        }
        float[] other = {0f, 2f, 0f, 0f};
        assertThat(loss.lossAndGradient(other, new int[] {0}, new int[] {1}, 1, CLASSES, gradient))
                .isGreaterThan(0.1);
    }

    @Test
    void softensTheTeachersAnswersByTheTemperature() {
        float[] teacher = {0.9f, 0.09f, 0.01f, 0f};

        float[] warm = DistillationLoss.soften(teacher, CLASSES, 1);
        float[] hot = DistillationLoss.soften(teacher, CLASSES, 4);

        assertThat(warm).containsExactly(new float[] {0.9f, 0.09f, 0.01f, 0f}, within(1e-6f));
        assertThat(hot[0]).isLessThan(0.7f);
        assertThat(hot[2]).isGreaterThan(0.05f);
        assertThat(hot[0] + hot[1] + hot[2] + hot[3]).isCloseTo(1f, within(1e-5f));
    }

    @Test
    void refusesAnswersThatAreNotProbabilities() {
        assertThatThrownBy(() -> new DistillationLoss(new float[] {2.5f, -1f, 0f, 0f}, CLASSES, 2, 0.5))
                .hasMessage("the teacher's answer for example 0 holds 2.5, not a probability");
        assertThatThrownBy(() -> new DistillationLoss(new float[5], CLASSES, 2, 0.5))
                .hasMessage("5 teacher probabilities are not rows of 4 classes");
        assertThatThrownBy(() -> new DistillationLoss(new float[4], CLASSES, 2, 1.5))
                .hasMessageStartingWith("temperature must be positive and the soft weight in [0, 1]");
    }

    private static float[] teacherAnswers(SplittableRandom random) {
        float[] logits = new float[EXAMPLES * CLASSES];
        for (int k = 0; k < logits.length; k++) {
            logits[k] = (float) (2 * random.nextGaussian());
        }
        float[] probabilities = new float[logits.length];
        Softmax.rows(logits, probabilities, EXAMPLES, CLASSES);
        return probabilities;
    }
}

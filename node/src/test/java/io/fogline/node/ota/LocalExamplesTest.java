package io.fogline.node.ota;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.node.labels.AnswerLog;
import io.fogline.node.labels.LabelStore;
import io.fogline.routing.RoutingParameters;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A round trains on what the label store collected for the round's model, read afresh each round, beside the node's
 * fixed training data; answers still waiting for a label, other models' examples and inputs of another width are
 * left out.
 */
class LocalExamplesTest {

    private static final int WIDTH = 4;
    private static final int CLASSES = 3;

    @TempDir
    Path dir;

    private LabelStore store;
    private AnswerLog answers;
    private final Network network = ModelSpec.parse("softmax").build(new int[] {WIDTH}, CLASSES, 1);

    @BeforeEach
    void open() {
        store = LabelStore.open(new LabelStore.Options(dir.resolve("labels.db"), 100, Duration.ofHours(1)));
        // Each answer a millisecond after the last: the store hands examples out oldest first, and answers within
        // one millisecond would come out in the order of their ids instead.
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        answers = new AnswerLog(store, () -> Instant.ofEpochMilli(now.incrementAndGet()));
    }

    @AfterEach
    void close() {
        answers.close();
        store.close();
    }

    private void answer(String model, String id, float[] input, int predicted, String tier) {
        Answers.answer(answers, model, id, input, CLASSES, predicted, tier);
    }

    @Test
    void groundTruthHeldOutForCalibrationIsNotTrainedOn() {
        LocalExamples examples =
                new LocalExamples(null, store, example -> example.requestId().equals("held"));
        answer("fashion", "held", new float[] {1, 0, 0, 0}, 0, RoutingParameters.LOCAL);
        answer("fashion", "trained", new float[] {0, 1, 0, 0}, 1, RoutingParameters.LOCAL);
        store.label("fashion", "held", new int[] {2}, System.currentTimeMillis());
        store.label("fashion", "trained", new int[] {0}, System.currentTimeMillis());

        assertThat(examples.forRound("fashion", network).labels()).containsExactly(0);
    }

    @Test
    void aRoundLearnsGroundTruthAndTeacherLabelsOfItsModelCollectedSinceTheLastRound() {
        LocalExamples examples = new LocalExamples(null, store, example -> false);
        answer("fashion", "truth", new float[] {1, 0, 0, 0}, 0, RoutingParameters.LOCAL);
        answer("fashion", "waiting", new float[] {0, 1, 0, 0}, 1, RoutingParameters.LOCAL);
        answer("fashion", "escalated", new float[] {0, 0, 1, 0}, 2, "fog");
        answer("other", "elsewhere", new float[] {0, 0, 0, 1}, 1, "fog");
        store.label("fashion", "truth", new int[] {1}, System.currentTimeMillis());

        Dataset first = examples.forRound("fashion", network);

        assertThat(first.labels()).containsExactly(1, 2);
        assertThat(first.features()).containsExactly(1, 0, 0, 0, 0, 0, 1, 0);
        assertThat(examples.count()).as("what the opt-in claims: every model's").isEqualTo(3);

        store.label("fashion", "waiting", new int[] {2}, System.currentTimeMillis());

        assertThat(examples.forRound("fashion", network).labels()).containsExactly(1, 2, 2);
        assertThat(examples.count()).isEqualTo(4);
        assertThat(examples.forRound(null, network).size())
                .as("a task that names no model trains on fixed data only")
                .isZero();
    }

    @Test
    void fixedTrainingDataComesFirstAndInputsOfAnotherWidthAreLeftOut() {
        Dataset fixed = new Dataset(
                new float[] {0, 0, 0, 1, 0, 0, 1, 1}, new int[] {0, 1}, new int[] {WIDTH}, List.of("a", "b", "c"));
        LocalExamples examples = new LocalExamples(fixed, store, example -> false);
        answer("fashion", "wide", new float[] {1, 1, 1, 1, 1}, 0, "fog");
        answer("fashion", "fits", new float[] {1, 1, 1, 1}, 2, "fog");

        Dataset round = examples.forRound("fashion", network);

        assertThat(round.labels()).containsExactly(0, 1, 2);
        assertThat(round.classNames()).containsExactly("a", "b", "c");
        assertThat(examples.count()).isEqualTo(4);
    }
}

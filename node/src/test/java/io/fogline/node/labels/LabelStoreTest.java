package io.fogline.node.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelStoreTest {

    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    private LabelStore open(int maxExamples) {
        return LabelStore.open(new LabelStore.Options(dir.resolve("labels.db"), maxExamples, Duration.ofHours(1)));
    }

    static AnswerRecord answer(String id, int row, long at, int predicted, double teacherConfidence) {
        return new AnswerRecord(
                "fashion",
                "3",
                id,
                row,
                at,
                10,
                predicted,
                Double.isNaN(teacherConfidence) ? "local" : "fog",
                teacherConfidence,
                new float[] {row, predicted, 0.5f},
                new long[] {3});
    }

    private static int status(Runnable action) {
        try {
            action.run();
        } catch (FeedbackRefused refused) {
            return refused.status();
        }
        return 200;
    }

    @Test
    void groundTruthIsCheckedAgainstTheAnswerAndKeptAsAnExample() {
        try (LabelStore store = open(100)) {
            store.remember(List.of(answer("a", 0, 0, 4, Double.NaN), answer("a", 1, 0, 7, Double.NaN)));

            LabelStore.Labelled labelled = store.label("fashion", "a", new int[] {4, 2}, 1000);

            assertThat(labelled.version()).isEqualTo("3");
            assertThat(labelled.predicted()).containsExactly(4, 7);
            assertThat(labelled.correct()).isEqualTo(1);
            List<LabelledExample> examples = new ArrayList<>();
            store.forEachExample("fashion", examples::add);
            assertThat(examples).extracting(LabelledExample::label).containsExactly(4, 2);
            assertThat(examples).allMatch(e -> e.source() == LabelledExample.Source.GROUND_TRUTH);
            assertThat(examples.get(1).input()).containsExactly(1f, 7f, 0.5f);
            assertThat(examples.get(1).shape()).containsExactly(3L);
            assertThat(store.counts("fashion")).containsExactly(new LabelStore.VersionCounts("3", 2, 1, 0, 0));
        }
    }

    @Test
    void aParentsAnswerIsATeacherLabelWithItsConfidenceUntilGroundTruthReplacesIt() {
        try (LabelStore store = open(100)) {
            store.remember(List.of(answer("t", 0, 0, 6, 0.93), answer("plain", 0, 0, 1, Double.NaN)));
            List<LabelledExample> before = new ArrayList<>();
            store.forEachExample("fashion", before::add);
            assertThat(before).singleElement().satisfies(example -> {
                assertThat(example.source()).isEqualTo(LabelledExample.Source.TEACHER);
                assertThat(example.label()).isEqualTo(6);
                assertThat(example.teacherConfidence()).isEqualTo(0.93);
            });

            store.label("fashion", "t", new int[] {0}, 10);

            List<LabelledExample> after = new ArrayList<>();
            store.forEachExample("fashion", after::add);
            assertThat(after).singleElement().satisfies(example -> {
                assertThat(example.source()).isEqualTo(LabelledExample.Source.GROUND_TRUTH);
                assertThat(example.label()).isZero();
                assertThat(example.predicted()).isEqualTo(6);
            });
        }
    }

    @Test
    void badGroundTruthIsRefusedWithItsStatusAndChangesNothing() {
        try (LabelStore store = open(100)) {
            store.remember(List.of(answer("a", 0, 0, 4, Double.NaN)));

            assertThatThrownBy(() -> store.label("fashion", "nope", new int[] {1}, 10))
                    .hasMessage("no answer of model 'fashion' with id 'nope'");
            assertThat(status(() -> store.label("other", "a", new int[] {1}, 10)))
                    .isEqualTo(404);
            assertThatThrownBy(() -> store.label("fashion", "a", new int[] {10}, 10))
                    .hasMessage("label 10 is outside the classes of model 'fashion', 0 to 9");
            assertThatThrownBy(() -> store.label("fashion", "a", new int[] {1, 2}, 10))
                    .hasMessage("the answer 'a' of model 'fashion' has 1 row, got 2 labels");
            assertThatThrownBy(() -> store.label("fashion", "a", new int[] {1}, HOUR + 1))
                    .isInstanceOf(FeedbackRefused.class)
                    .hasMessage(
                            "the answer 'a' of model 'fashion' is 3600 s old, past the feedback retention of 3600 s");
            assertThat(status(() -> store.label("fashion", "a", new int[] {1}, HOUR + 1)))
                    .isEqualTo(410);
            assertThat(store.counts("fashion")).containsExactly(new LabelStore.VersionCounts("3", 0, 0, 0, 1));

            store.label("fashion", "a", new int[] {1}, HOUR);
            assertThatThrownBy(() -> store.label("fashion", "a", new int[] {4}, HOUR))
                    .hasMessage("ground truth for the answer 'a' of model 'fashion' was given already");
            assertThat(status(() -> store.label("fashion", "a", new int[] {4}, HOUR)))
                    .isEqualTo(409);
            assertThat(store.counts("fashion")).containsExactly(new LabelStore.VersionCounts("3", 1, 0, 0, 0));
        }
    }

    @Test
    void aFullStoreEvictsTeacherExamplesFirstThenTheOldest() {
        try (LabelStore store = open(3)) {
            store.remember(List.of(answer("truth", 0, 0, 1, Double.NaN)));
            store.label("fashion", "truth", new int[] {1}, 1);
            store.remember(List.of(answer("teacher", 0, 2, 1, 0.9)));
            store.remember(List.of(answer("old", 0, 3, 1, Double.NaN)));
            store.remember(List.of(answer("new", 0, 4, 1, Double.NaN)));

            assertThat(store.size()).isEqualTo(3);
            assertThatThrownBy(() -> store.label("fashion", "teacher", new int[] {1}, 5))
                    .isInstanceOf(FeedbackRefused.class)
                    .hasMessage("the answer 'teacher' of model 'fashion' was evicted to keep the store under its cap"
                            + " of 3 examples");
            assertThat(status(() -> store.label("fashion", "teacher", new int[] {1}, 5)))
                    .isEqualTo(410);

            store.remember(List.of(answer("newer", 0, 6, 1, Double.NaN)));

            assertThat(status(() -> store.label("fashion", "truth", new int[] {1}, 7)))
                    .as("then the oldest, ground truth or not")
                    .isEqualTo(410);
            assertThat(store.label("fashion", "old", new int[] {1}, 7).correct())
                    .isEqualTo(1);
            assertThat(store.size()).isEqualTo(3);
        }
    }

    @Test
    void answersNobodyLabelledExpireButTeacherExamplesStay() {
        try (LabelStore store = open(100)) {
            store.remember(List.of(answer("plain", 0, 0, 1, Double.NaN), answer("taught", 0, 0, 2, 0.8)));

            store.expire(HOUR + 1);

            assertThatThrownBy(() -> store.label("fashion", "plain", new int[] {1}, HOUR + 2))
                    .hasMessage("the answer 'plain' of model 'fashion' went unlabelled past the feedback retention of"
                            + " 3600 s");
            assertThat(store.size()).isEqualTo(1);
        }
    }

    @Test
    void anIdUsedAgainReplacesAnUnlabelledAnswerButNeverGroundTruth() {
        try (LabelStore store = open(100)) {
            store.remember(List.of(answer("a", 0, 0, 1, Double.NaN)));
            store.remember(List.of(answer("a", 0, 5, 2, Double.NaN)));
            assertThat(store.label("fashion", "a", new int[] {2}, 6).correct()).isEqualTo(1);

            store.remember(List.of(answer("a", 0, 7, 3, Double.NaN)));

            List<LabelledExample> examples = new ArrayList<>();
            store.forEachExample("fashion", examples::add);
            assertThat(examples).singleElement().satisfies(example -> assertThat(example.predicted())
                    .isEqualTo(2));
        }
    }

    @Test
    void theStoreSurvivesAReopen() {
        try (LabelStore store = open(100)) {
            store.remember(List.of(answer("a", 0, 0, 1, Double.NaN)));
            store.label("fashion", "a", new int[] {1}, 1);
        }
        try (LabelStore store = open(100)) {
            assertThat(store.size()).isEqualTo(1);
            assertThat(status(() -> store.label("fashion", "a", new int[] {1}, 2)))
                    .isEqualTo(409);
        }
    }
}

package io.fogline.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.routing.policy.ThresholdCalibration.Bounds;
import io.fogline.routing.policy.ThresholdCalibration.Outcome;
import io.fogline.routing.policy.ThresholdCalibration.Scored;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ThresholdCalibrationTest {

    private static final Bounds OPEN = new Bounds(0, 1);

    @Property
    void theKeptAnswersAreRightAtLeastAsOftenAsTheParentsOnTheExamplesChosenOn(
            @ForAll @IntRange(min = 1, max = 300) int size, @ForAll long seed) {
        List<Scored> examples = examples(size, new Random(seed));

        Outcome outcome = ThresholdCalibration.choose(examples, 0.7, OPEN, 1);

        assertThat(outcome.calibrated()).isTrue();
        assertThat(outcome.meetsRule()).isTrue();
        // The figures it reports are what the threshold does, as the router applies it (escalate below it).
        List<Scored> kept = examples.stream()
                .filter(example -> !(example.topProbability() < outcome.threshold()))
                .toList();
        assertThat(kept).hasSize(outcome.kept());
        long right = kept.stream().filter(Scored::correct).count();
        double parent = kept.stream().mapToDouble(Scored::rivalAccuracy).sum();
        assertThat(outcome.keptCorrect()).isEqualTo(right);
        assertThat(right).isGreaterThanOrEqualTo((long) Math.ceil(parent - 1e-9));
    }

    @Property
    void noThresholdWithinTheBoundsGainsMoreThanTheOneChosen(
            @ForAll @IntRange(min = 1, max = 200) int size, @ForAll long seed) {
        List<Scored> examples = examples(size, new Random(seed));
        Bounds bounds = new Bounds(0.3, 0.9);

        Outcome outcome = ThresholdCalibration.choose(examples, 0.7, bounds, 1);

        assertThat(outcome.threshold()).isBetween(0.3, 0.9);
        double chosen = gain(examples, outcome.threshold());
        for (double threshold = 0.3; threshold <= 0.9; threshold += 0.001) {
            assertThat(gain(examples, threshold)).isLessThanOrEqualTo(chosen + 1e-9);
        }
    }

    @Test
    void tooFewExamplesKeepTheBundlesThreshold() {
        List<Scored> examples = List.of(new Scored(0.9, true, 0.8), new Scored(0.4, false, 0.8));

        Outcome outcome = ThresholdCalibration.choose(examples, 0.7, OPEN, 3);

        assertThat(outcome.calibrated()).isFalse();
        assertThat(outcome.threshold()).isEqualTo(0.7);
        assertThat(outcome.describe()).isEqualTo("kept the bundle's threshold 0.7: 2 labelled examples, too few");
    }

    @Test
    void aVersionRightOnEveryExampleKeepsThemAllAtTheLowestBound() {
        List<Scored> examples =
                List.of(new Scored(0.95, true, 0.8), new Scored(0.6, true, 0.8), new Scored(0.45, true, 0.8));

        Outcome outcome = ThresholdCalibration.choose(examples, 0.7, new Bounds(0.2, 0.9), 1);

        assertThat(outcome.threshold()).isEqualTo(0.2);
        assertThat(outcome.kept()).isEqualTo(3);
        assertThat(outcome.escalationRate()).isZero();
    }

    @Test
    void aVersionWrongOnEveryExampleEscalatesAllItMayAtTheHighestBound() {
        List<Scored> examples =
                List.of(new Scored(0.97, false, 0.8), new Scored(0.6, false, 0.8), new Scored(0.45, false, 0.8));

        Outcome outcome = ThresholdCalibration.choose(examples, 0.7, new Bounds(0.2, 0.9), 1);

        assertThat(outcome.threshold()).isEqualTo(0.9);
        // The bounds let it escalate all but the surest, which it answers wrong: the rule is out of reach.
        assertThat(outcome.kept()).isEqualTo(1);
        assertThat(outcome.meetsRule()).isFalse();
    }

    @Test
    void theThresholdFallsHalfwayBetweenTheLastExampleKeptAndTheFirstEscalated() {
        List<Scored> examples = List.of(
                new Scored(0.9, true, 0.5),
                new Scored(0.8, true, 0.5),
                new Scored(0.6, false, 0.5),
                new Scored(0.5, false, 0.5));

        Outcome outcome = ThresholdCalibration.choose(examples, 0.7, OPEN, 4);

        assertThat(outcome.threshold()).isEqualTo(0.7, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(outcome.describe())
                .isEqualTo("threshold 0.7000 on 4 labelled examples: keeps 2 (2 right, the parent 1.0), escalates"
                        + " 50.0%");
    }

    @Test
    void whereTheParentAnsweredAnExampleItsOwnAnswerCountsNotItsAverage() {
        // The parent got the unsure 0.6 example wrong too: keeping it loses nothing, though the parent's average
        // (0.8) would have escalated it.
        List<Scored> examples =
                List.of(new Scored(0.9, true, 0.8), new Scored(0.6, false, 0), new Scored(0.3, false, 1));

        Outcome outcome = ThresholdCalibration.choose(examples, 0.7, OPEN, 1);

        assertThat(outcome.kept()).isEqualTo(2);
        assertThat(outcome.threshold()).isEqualTo(0.45, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void boundsOutsideZeroToOneOrReversedAreRefused() {
        assertThatThrownBy(() -> new Bounds(0.8, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("calibration bounds must satisfy 0 <= lowest <= highest <= 1, got 0.8:0.5");
        assertThatThrownBy(() -> new Scored(0.5, true, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rival accuracy must be within [0, 1], got 1.5");
    }

    private static double gain(List<Scored> examples, double threshold) {
        return examples.stream()
                .filter(example -> !(example.topProbability() < threshold))
                .mapToDouble(example -> (example.correct() ? 1 : 0) - example.rivalAccuracy())
                .sum();
    }

    private static List<Scored> examples(int size, Random random) {
        List<Scored> examples = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            // Coarse probabilities, so that ties between examples occur; surer answers are more often right.
            double probability = Math.round(random.nextDouble() * 40) / 40.0;
            boolean correct = random.nextDouble() < probability;
            double rival = random.nextBoolean() ? (random.nextBoolean() ? 1 : 0) : 0.8;
            examples.add(new Scored(Math.min(probability, 0.999), correct, rival));
        }
        return examples;
    }
}

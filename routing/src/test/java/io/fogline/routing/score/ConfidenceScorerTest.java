package io.fogline.routing.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fogline.core.tensor.Tensor;
import io.fogline.routing.policy.RoutingPolicy.EscalationRules;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfidenceScorerTest {

    private static Tensor probabilities(float... values) {
        return Tensor.ofFloats("probabilities", new long[] {1, values.length}, values);
    }

    private static EscalationRules rules(
            Double maxProbability, Map<Integer, Double> perClass, Double entropy, Double margin) {
        return new EscalationRules(maxProbability, perClass, entropy, margin, null, null);
    }

    @Test
    void escalatesWhenTopProbabilityIsBelowThreshold() {
        ConfidenceScorer scorer = new ConfidenceScorer(rules(0.8, null, null, null), false);

        Verdict unsure = scorer.judge(probabilities(0.7f, 0.2f, 0.1f), null);
        Verdict sure = scorer.judge(probabilities(0.9f, 0.05f, 0.05f), null);

        assertThat(unsure.reason()).isEqualTo(ConfidenceScorer.MAX_PROBABILITY);
        assertThat(unsure.confidence()).isCloseTo(0.7, within(1e-6));
        assertThat(sure.escalate()).isFalse();
        assertThat(sure.reason()).isEqualTo(Verdict.NONE);
    }

    @Test
    void aClassThresholdReplacesTheGeneralOneForThatClass() {
        ConfidenceScorer scorer = new ConfidenceScorer(rules(0.8, Map.of(2, 0.95), null, null), false);

        // Class 2 predicted at 0.9: sure enough for the general threshold, not for its own.
        assertThat(scorer.judge(probabilities(0.05f, 0.05f, 0.9f), null).reason())
                .isEqualTo(ConfidenceScorer.CLASS_MAX_PROBABILITY);
        // Class 0 predicted at 0.9 is judged by the general threshold.
        assertThat(scorer.judge(probabilities(0.9f, 0.05f, 0.05f), null).escalate())
                .isFalse();
        // A class threshold may also be lower than the general one.
        ConfidenceScorer lenient = new ConfidenceScorer(rules(0.8, Map.of(1, 0.5), null, null), false);
        assertThat(lenient.judge(probabilities(0.2f, 0.6f, 0.2f), null).escalate())
                .isFalse();
    }

    @Test
    void escalatesWhenNormalizedEntropyIsAboveThreshold() {
        ConfidenceScorer scorer = new ConfidenceScorer(rules(null, null, 0.9, null), false);

        assertThat(scorer.judge(probabilities(0.25f, 0.25f, 0.25f, 0.25f), null).reason())
                .isEqualTo(ConfidenceScorer.ENTROPY);
        assertThat(scorer.judge(probabilities(0.97f, 0.01f, 0.01f, 0.01f), null).escalate())
                .isFalse();
    }

    @Test
    void escalatesWhenTopTwoMarginIsBelowThreshold() {
        ConfidenceScorer scorer = new ConfidenceScorer(rules(null, null, null, 0.2), false);

        assertThat(scorer.judge(probabilities(0.45f, 0.4f, 0.15f), null).reason())
                .isEqualTo(ConfidenceScorer.MARGIN);
        assertThat(scorer.judge(probabilities(0.6f, 0.3f, 0.1f), null).escalate())
                .isFalse();
    }

    @Test
    void escalatesWhenANamedScoreOutputIsBelowThreshold() {
        ConfidenceScorer scorer =
                new ConfidenceScorer(new EscalationRules(null, null, null, null, "confidence", 0.5), false);
        Tensor low = Tensor.ofFloats("confidence", new long[] {1, 1}, 0.3f);
        Tensor high = Tensor.ofFloats("confidence", new long[] {1, 1}, 0.7f);

        Verdict unsure = scorer.judge(null, low);

        assertThat(unsure.reason()).isEqualTo(ConfidenceScorer.SCORE);
        assertThat(unsure.confidence()).isCloseTo(0.3, within(1e-6));
        assertThat(scorer.judge(null, high).escalate()).isFalse();
    }

    @Test
    void appliesSoftmaxOnlyWhenThePolicySaysTheOutputHoldsLogits() {
        // Logits 2, 1, 0: softmax gives 0.665, 0.245, 0.090.
        Tensor logits = Tensor.ofFloats("logits", new long[] {1, 3}, 2f, 1f, 0f);
        ConfidenceScorer asLogits = new ConfidenceScorer(rules(0.7, null, null, null), true);
        ConfidenceScorer asProbabilities = new ConfidenceScorer(rules(0.7, null, null, null), false);

        Verdict softmaxed = asLogits.judge(logits, null);

        assertThat(softmaxed.confidence()).isCloseTo(0.6652, within(1e-4));
        assertThat(softmaxed.reason()).isEqualTo(ConfidenceScorer.MAX_PROBABILITY);
        assertThat(asProbabilities.judge(logits, null).confidence()).isEqualTo(2.0);
    }

    @Test
    void oneUnsureRowOfABatchEscalatesTheRequestAndSetsItsConfidence() {
        ConfidenceScorer scorer = new ConfidenceScorer(rules(0.8, null, null, null), false);
        Tensor batch = Tensor.ofFloats("probabilities", new long[] {3, 2}, 0.9f, 0.1f, 0.6f, 0.4f, 0.95f, 0.05f);

        Verdict verdict = scorer.judge(batch, null);

        assertThat(verdict.reason()).isEqualTo(ConfidenceScorer.MAX_PROBABILITY);
        assertThat(verdict.confidence()).isCloseTo(0.6, within(1e-6));
    }

    @Test
    void measuresACertainAndAUniformDistribution() {
        ClassDistribution certain = ClassDistribution.of(new float[] {0, 1, 0, 0}, 0, 4, false);
        ClassDistribution uniform = ClassDistribution.of(new float[] {0.5f, 0.5f}, 0, 2, false);

        assertThat(certain.topClass()).isEqualTo(1);
        assertThat(certain.normalizedEntropy()).isZero();
        assertThat(certain.margin()).isEqualTo(1.0);
        assertThat(uniform.normalizedEntropy()).isCloseTo(1.0, within(1e-9));
        assertThat(uniform.margin()).isZero();
    }
}

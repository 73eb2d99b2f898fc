package io.fogline.routing.score;

import io.fogline.core.error.InferenceException;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Tensor;
import io.fogline.routing.policy.RoutingPolicy.EscalationRules;
import java.nio.DoubleBuffer;

/**
 * Judges a local answer by a policy's escalation rules. Every row of a batch is judged; one row that a rule flags
 * escalates the whole request, since a request is answered by one tier.
 */
public final class ConfidenceScorer {

    public static final String MAX_PROBABILITY = "max_probability_below";
    public static final String CLASS_MAX_PROBABILITY = "class_max_probability_below";
    public static final String ENTROPY = "entropy_above";
    public static final String MARGIN = "margin_below";
    public static final String SCORE = "score_below";

    private final EscalationRules rules;
    private final boolean logits;

    public ConfidenceScorer(EscalationRules rules, boolean logits) {
        this.rules = rules;
        this.logits = logits;
    }

    /**
     * @param classes the output holding class scores, its last dimension the classes; null when no rule reads it
     * @param score the score output; null when no rule reads it
     */
    public Verdict judge(Tensor classes, Tensor score) {
        String reason = Verdict.NONE;
        double confidence = Double.POSITIVE_INFINITY;
        if (rules.readsProbabilities()) {
            float[] values = floats(classes);
            int classCount = classes.rank() == 0 ? 1 : (int) classes.dim(classes.rank() - 1);
            if (classCount == 0) {
                throw InferenceException.internal(
                        "routing: output '" + classes.name() + "' has no classes to score", null);
            }
            for (int offset = 0; offset < values.length; offset += classCount) {
                ClassDistribution row = ClassDistribution.of(values, offset, classCount, logits);
                confidence = Math.min(confidence, row.topProbability());
                if (reason.equals(Verdict.NONE)) {
                    reason = ruleFor(row);
                }
            }
        }
        if (rules.scoreBelow() != null) {
            double lowest = Double.POSITIVE_INFINITY;
            for (float value : floats(score)) {
                lowest = Math.min(lowest, value);
            }
            if (reason.equals(Verdict.NONE) && lowest < rules.scoreBelow()) {
                reason = SCORE;
            }
            if (!rules.readsProbabilities()) {
                confidence = lowest;
            }
        }
        return new Verdict(reason, confidence == Double.POSITIVE_INFINITY ? 1.0 : confidence);
    }

    private String ruleFor(ClassDistribution row) {
        Double classThreshold = rules.classMaxProbabilityBelow().get(row.topClass());
        if (classThreshold != null) {
            if (row.topProbability() < classThreshold) {
                return CLASS_MAX_PROBABILITY;
            }
        } else if (rules.maxProbabilityBelow() != null && row.topProbability() < rules.maxProbabilityBelow()) {
            return MAX_PROBABILITY;
        }
        if (rules.entropyAbove() != null && row.normalizedEntropy() > rules.entropyAbove()) {
            return ENTROPY;
        }
        if (rules.marginBelow() != null && row.margin() < rules.marginBelow()) {
            return MARGIN;
        }
        return Verdict.NONE;
    }

    private static float[] floats(Tensor tensor) {
        if (tensor.datatype() == DataType.FP32) {
            return tensor.toFloats();
        }
        if (tensor.datatype() == DataType.FP64) {
            DoubleBuffer doubles = tensor.data().asDoubleBuffer();
            float[] values = new float[doubles.remaining()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) doubles.get(i);
            }
            return values;
        }
        throw InferenceException.internal(
                "routing: output '" + tensor.name() + "' is " + tensor.datatype() + "; scores must be FP32 or FP64",
                null);
    }
}

package io.fogline.node.ota;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.core.tensor.TensorValues;
import io.fogline.node.labels.LabelStore;
import io.fogline.node.labels.LabelledExample;
import io.fogline.routing.policy.RoutingPolicy;
import io.fogline.routing.policy.ThresholdCalibration;
import io.fogline.routing.score.ClassDistribution;
import io.fogline.runtime.config.ModelConfig;
import io.fogline.runtime.repository.ModelManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Calibrates a new version's escalation threshold on the node's own ground truth before it serves: every labelled
 * input the label store holds out of training ({@link CalibrationOptions#heldOut}) is run through the version, and {@link ThresholdCalibration} picks the
 * {@code max_probability_below} at which what it keeps is right at least as often as the parent tier on the same
 * inputs. Where the parent answered an input, its own answer counts; elsewhere the parent's accuracy on the ground
 * truth it answered, or the owner's stated target.
 */
final class EscalationCalibrator {

    private static final System.Logger LOG = System.getLogger(EscalationCalibrator.class.getName());
    private static final long ANSWER_TIMEOUT_SECONDS = 60;

    private final CalibrationOptions options;
    private final LabelStore labels;

    EscalationCalibrator(CalibrationOptions options, LabelStore labels) {
        this.options = options;
        this.labels = labels;
    }

    /**
     * The threshold {@code version}, loaded in {@code models}, should answer at; empty when its routing has no
     * {@code max_probability_below} to calibrate.
     */
    Optional<ThresholdCalibration.Outcome> calibrate(ModelManager models, String model, String version)
            throws Exception {
        ModelConfig config = models.config(model);
        if (config.routing() == null) {
            return Optional.empty();
        }
        RoutingPolicy policy = RoutingPolicy.parse(config.routing());
        Double bundleThreshold = policy.rules().maxProbabilityBelow();
        if (bundleThreshold == null) {
            return Optional.empty();
        }
        List<LabelledExample> groundTruth = new ArrayList<>();
        List<LabelledExample> heldOut = new ArrayList<>();
        labels.forEachExample(model, example -> {
            if (example.source() == LabelledExample.Source.GROUND_TRUTH) {
                groundTruth.add(example);
            }
            if (options.heldOut(example)) {
                heldOut.add(example);
            }
        });
        Double parentAccuracy = options.target() != null ? options.target() : parentAccuracy(groundTruth);
        if (parentAccuracy == null) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "''{0}'' version {1} keeps the bundle''s threshold {2}: fewer than {3} answers of the parent have"
                            + " ground truth to measure it by, and no --calibration-target is set",
                    model,
                    version,
                    bundleThreshold,
                    CalibrationOptions.MIN_PARENT_ANSWERS);
            return Optional.empty();
        }
        String input = models.metadata(model, version).inputs().getFirst().name();
        String output = policy.output() != null
                ? policy.output()
                : models.metadata(model, version).outputs().getFirst().name();
        List<ThresholdCalibration.Scored> scored = new ArrayList<>();
        for (LabelledExample example : heldOut) {
            ClassDistribution answer = answer(models, model, version, input, output, policy.logits(), example);
            if (answer == null) {
                continue;
            }
            double rival = options.target() == null && example.answeredByParent()
                    ? (example.predicted() == example.label() ? 1 : 0)
                    : parentAccuracy;
            scored.add(new ThresholdCalibration.Scored(
                    answer.topProbability(), answer.topClass() == example.label(), rival));
        }
        return Optional.of(
                ThresholdCalibration.choose(scored, bundleThreshold, options.bounds(), options.minExamples()));
    }

    /** The share of the ground truth the parent answered that it got right; null from too few of its answers. */
    private static Double parentAccuracy(List<LabelledExample> groundTruth) {
        long answered = 0;
        long right = 0;
        for (LabelledExample example : groundTruth) {
            if (example.answeredByParent()) {
                answered++;
                right += example.predicted() == example.label() ? 1 : 0;
            }
        }
        return answered < CalibrationOptions.MIN_PARENT_ANSWERS ? null : (double) right / answered;
    }

    /** The version's class distribution for one example; null for an input that no longer fits the version. */
    private static ClassDistribution answer(
            ModelManager models,
            String model,
            String version,
            String input,
            String output,
            boolean logits,
            LabelledExample example)
            throws Exception {
        long[] shape = new long[example.shape().length + 1];
        shape[0] = 1;
        System.arraycopy(example.shape(), 0, shape, 1, example.shape().length);
        InferenceResponse response;
        try {
            response = models.infer(model, version, InferenceRequest.of(Tensor.ofFloats(input, shape, example.input())))
                    .get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // An input kept under an earlier version's shape: not an example of this one.
            return null;
        }
        Tensor classes = response.outputs().stream()
                .filter(tensor -> tensor.name().equals(output))
                .findFirst()
                .orElse(null);
        if (classes == null || classes.rank() == 0) {
            return null;
        }
        double[] values = TensorValues.of(classes);
        float[] row = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            row[i] = (float) values[i];
        }
        return ClassDistribution.of(row, 0, row.length, logits);
    }
}

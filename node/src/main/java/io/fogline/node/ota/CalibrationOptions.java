package io.fogline.node.ota;

import io.fogline.node.labels.LabelledExample;
import io.fogline.routing.policy.ThresholdCalibration;

/**
 * How a node calibrates the escalation threshold of each version it installs on its own ground truth, set by its
 * owner at start: a version that arrives over the network may move its threshold only within these bounds.
 *
 * @param bounds the range a calibrated threshold stays in, whatever the examples say
 * @param minExamples fewer labelled inputs than this keep the bundle's threshold
 * @param target the accuracy kept answers must reach; null to measure the parent's on the ground truth it answered
 * @param holdout the share of ground truth that federated rounds leave out so that calibration can judge a version on
 *     inputs it was not trained on (a version is surer and more often right on its own training examples, and would
 *     keep too much); chosen by request id, so the same examples stay out round after round; 1 trains on teacher
 *     labels only
 */
public record CalibrationOptions(ThresholdCalibration.Bounds bounds, int minExamples, Double target, double holdout) {

    /** The parent's accuracy is taken from at least this many of its answers, else the bundle's threshold stays. */
    static final int MIN_PARENT_ANSWERS = 30;

    /** Between 0.5 and 0.99, from 50 held-out labelled inputs (40% of ground truth), against the parent. */
    public static CalibrationOptions defaults() {
        return new CalibrationOptions(new ThresholdCalibration.Bounds(0.5, 0.99), 50, null, 0.4);
    }

    public CalibrationOptions {
        if (minExamples < 1) {
            throw new IllegalArgumentException("calibration needs at least 1 example, got " + minExamples);
        }
        if (target != null && !(target >= 0 && target <= 1)) {
            throw new IllegalArgumentException("the calibration target must be within [0, 1], got " + target);
        }
        if (!(holdout > 0 && holdout <= 1)) {
            throw new IllegalArgumentException("the calibration holdout must be above 0 and at most 1, got " + holdout);
        }
    }

    /** Whether {@code example} is ground truth kept out of training for calibration. */
    public boolean heldOut(LabelledExample example) {
        // String.hashCode is fixed by the language, so a restarted node holds out the same examples.
        return example.source() == LabelledExample.Source.GROUND_TRUTH
                && Math.floorMod((example.requestId() + "/" + example.row()).hashCode(), 1000) < holdout * 1000;
    }
}

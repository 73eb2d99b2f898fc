package io.fogline.node.ota;

import io.fogline.routing.policy.ThresholdCalibration;

/**
 * How a node calibrates the escalation threshold of each version it installs on its own ground truth, set by its
 * owner at start: a version that arrives over the network may move its threshold only within these bounds.
 *
 * @param bounds the range a calibrated threshold stays in, whatever the examples say
 * @param minExamples fewer labelled inputs than this keep the bundle's threshold
 * @param target the accuracy kept answers must reach; null to measure the parent's on the ground truth it answered
 */
public record CalibrationOptions(ThresholdCalibration.Bounds bounds, int minExamples, Double target) {

    /** The parent's accuracy is taken from at least this many of its answers, else the bundle's threshold stays. */
    static final int MIN_PARENT_ANSWERS = 30;

    /** Between 0.5 and 0.99, from 100 labelled inputs, against the parent's own measured accuracy. */
    public static CalibrationOptions defaults() {
        return new CalibrationOptions(new ThresholdCalibration.Bounds(0.5, 0.99), 100, null);
    }

    public CalibrationOptions {
        if (minExamples < 1) {
            throw new IllegalArgumentException("calibration needs at least 1 example, got " + minExamples);
        }
        if (target != null && !(target >= 0 && target <= 1)) {
            throw new IllegalArgumentException("the calibration target must be within [0, 1], got " + target);
        }
    }
}

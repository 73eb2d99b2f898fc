package io.fogline.control.monitor;

import java.time.Duration;

/**
 * What the control plane holds the field's own figures to: live accuracy from ground truth, and devices' health.
 *
 * @param accuracyMargin live accuracy this far (absolute) below the bundle's reference accuracy opens an alert
 * @param minGroundTruth the fewest labels in {@code accuracySpan} for live accuracy to be judged
 * @param accuracySpan the span of windows live accuracy is judged over: ground truth comes slower than requests
 * @param hotCelsius a device whose hottest thermal zone reached this runs hot
 * @param minFreeDisk a device with less than this share of its data directory's disk free is out of disk
 * @param minAvailableMemory a device with less than this share of its memory available is out of memory
 */
public record FieldLimits(
        double accuracyMargin,
        long minGroundTruth,
        Duration accuracySpan,
        double hotCelsius,
        double minFreeDisk,
        double minAvailableMemory) {

    public FieldLimits {
        if (!(accuracyMargin >= 0 && accuracyMargin <= 1)) {
            throw new IllegalArgumentException("the accuracy margin must be from 0 to 1, got " + accuracyMargin);
        }
        if (!(minFreeDisk >= 0 && minFreeDisk <= 1) || !(minAvailableMemory >= 0 && minAvailableMemory <= 1)) {
            throw new IllegalArgumentException("the free disk and available memory limits are shares from 0 to 1, got "
                    + minFreeDisk + " and " + minAvailableMemory);
        }
        if (!Double.isFinite(hotCelsius)) {
            throw new IllegalArgumentException("the hot limit must be a temperature in °C, got " + hotCelsius);
        }
    }

    public static FieldLimits defaults() {
        return new FieldLimits(0.05, 20, Duration.ofHours(1), 85.0, 0.05, 0.05);
    }

    /** With the alert limits an operator sets; the ground truth needed and its span stay as they are. */
    public FieldLimits withLimits(double margin, double hot, double freeDisk, double availableMemory) {
        return new FieldLimits(margin, minGroundTruth, accuracySpan, hot, freeDisk, availableMemory);
    }
}

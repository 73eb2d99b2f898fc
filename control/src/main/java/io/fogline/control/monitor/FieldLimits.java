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

    public static FieldLimits defaults() {
        return new FieldLimits(0.05, 20, Duration.ofHours(1), 85.0, 0.05, 0.05);
    }
}

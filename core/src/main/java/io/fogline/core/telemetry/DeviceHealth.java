package io.fogline.core.telemetry;

import java.util.Map;
import java.util.TreeMap;

/**
 * How the device itself fared during a window: the first of a device's telemetry streams beside its models'. Every
 * figure merges across windows: shares weighted by the samples behind them, least free space, highest temperature.
 *
 * @param samples readings behind these figures
 * @param cpuBusy share of CPU time not idle over the window, all cores together, 0 to 1
 * @param memoryTotalBytes the memory the kernel manages
 * @param memoryAvailableMinBytes the least memory available for new work seen in the window
 * @param diskTotalBytes the size of the file system holding the node's data directory
 * @param diskFreeMinBytes the least space free on it seen in the window
 * @param temperaturesMaxCelsius the highest reading of each thermal zone, by its type (e.g. {@code x86_pkg_temp},
 *     {@code cpu-thermal}); empty where the kernel reports none
 * @param throttleEvents times the kernel throttled a CPU for heat during the window, where it counts them
 */
public record DeviceHealth(
        long samples,
        double cpuBusy,
        long memoryTotalBytes,
        long memoryAvailableMinBytes,
        long diskTotalBytes,
        long diskFreeMinBytes,
        Map<String, Double> temperaturesMaxCelsius,
        long throttleEvents) {

    public DeviceHealth {
        if (samples < 1) {
            throw new IllegalArgumentException("device health needs a reading, got " + samples);
        }
        if (!(cpuBusy >= 0 && cpuBusy <= 1)) {
            throw new IllegalArgumentException("cpu_busy must be 0 to 1, got " + cpuBusy);
        }
        temperaturesMaxCelsius = temperaturesMaxCelsius == null ? Map.of() : Map.copyOf(temperaturesMaxCelsius);
    }

    /** The hottest zone's reading, or NaN where the kernel reports none. */
    public double hottestCelsius() {
        return temperaturesMaxCelsius.values().stream()
                .mapToDouble(Double::doubleValue)
                .max()
                .orElse(Double.NaN);
    }

    /** Both windows' figures as one. */
    public DeviceHealth merge(DeviceHealth other) {
        Map<String, Double> temperatures = new TreeMap<>(temperaturesMaxCelsius);
        other.temperaturesMaxCelsius.forEach((zone, celsius) -> temperatures.merge(zone, celsius, Math::max));
        long all = samples + other.samples;
        return new DeviceHealth(
                all,
                (cpuBusy * samples + other.cpuBusy * other.samples) / all,
                Math.max(memoryTotalBytes, other.memoryTotalBytes),
                Math.min(memoryAvailableMinBytes, other.memoryAvailableMinBytes),
                Math.max(diskTotalBytes, other.diskTotalBytes),
                Math.min(diskFreeMinBytes, other.diskFreeMinBytes),
                temperatures,
                throttleEvents + other.throttleEvents);
    }
}

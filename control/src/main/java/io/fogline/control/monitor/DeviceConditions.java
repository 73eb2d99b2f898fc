package io.fogline.control.monitor;

import io.fogline.core.telemetry.DeviceHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Devices' health over a span, and what of it breaks a limit: a device running hot (or throttled for heat), out of
 * disk, out of memory. The dashboard's table and charts and the alerts read the same figures.
 */
public final class DeviceConditions {

    /**
     * One device's health over the span and its shares free.
     *
     * @param hottestCelsius null where the device reports no thermal zone
     */
    public record Condition(
            String deviceId,
            DeviceHealth health,
            Double hottestCelsius,
            double memoryAvailableShare,
            double diskFreeShare,
            List<String> problems) {}

    public record Point(String deviceId, String start, String end, DeviceHealth health) {}

    /** What breaks a limit, in one alert's terms. */
    record Breach(String kind, String message, double value, double threshold) {}

    private final TelemetryStore telemetry;
    private final Clock clock;
    private final FieldLimits limits;

    public DeviceConditions(TelemetryStore telemetry, Clock clock, FieldLimits limits) {
        this.telemetry = telemetry;
        this.clock = clock;
        this.limits = limits;
    }

    /** Per device that reported its health in the span, by device id. */
    public List<Condition> conditions(Duration span) {
        List<Condition> conditions = new ArrayList<>();
        eachSummed(span, (device, health) -> conditions.add(condition(device, health)));
        conditions.sort(Comparator.comparing(Condition::deviceId));
        return conditions;
    }

    /** Health windows as they came, oldest first. */
    public List<Point> series(Duration span, String deviceId) {
        Instant now = clock.instant();
        return telemetry.health(now.minus(span), now, deviceId).stream()
                .map(w -> new Point(w.deviceId(), w.start().toString(), w.end().toString(), w.health()))
                .toList();
    }

    /** Each device's health summed over the span, device after device: one device's windows in memory at a time. */
    void eachSummed(Duration span, BiConsumer<String, DeviceHealth> visit) {
        Instant now = clock.instant();
        Groups.Runs<TelemetryStore.StoredHealth> byDevice = new Groups.Runs<>(
                TelemetryStore.StoredHealth::deviceId,
                run -> visit.accept(
                        run.get(0).deviceId(),
                        run.stream()
                                .map(TelemetryStore.StoredHealth::health)
                                .reduce(DeviceHealth::merge)
                                .orElseThrow()));
        telemetry.eachHealthByDevice(now.minus(span), now, byDevice);
        byDevice.finish();
    }

    private Condition condition(String deviceId, DeviceHealth health) {
        double hottest = health.hottestCelsius();
        return new Condition(
                deviceId,
                health,
                Double.isNaN(hottest) ? null : hottest,
                share(health.memoryAvailableMinBytes(), health.memoryTotalBytes()),
                share(health.diskFreeMinBytes(), health.diskTotalBytes()),
                breaches(health).stream().map(Breach::kind).toList());
    }

    private static double share(long part, long whole) {
        return whole == 0 ? 1 : (double) part / whole;
    }

    /** The limits one device's health breaks; a figure the device does not report (0 total) breaks none. */
    List<Breach> breaches(DeviceHealth health) {
        List<Breach> breaches = new ArrayList<>();
        double hottest = health.hottestCelsius();
        if (hottest >= limits.hotCelsius() || health.throttleEvents() > 0) {
            Map<String, Double> zones = new LinkedHashMap<>(health.temperaturesMaxCelsius());
            String zone = zones.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .map(Map.Entry::getKey)
                    .orElse("no zone");
            String where = Double.isNaN(hottest)
                    ? "no thermal zone reported"
                    : String.format(Locale.ROOT, "%s reached %.1f °C", zone, hottest);
            breaches.add(new Breach(
                    "device_hot",
                    where
                            + String.format(
                                    Locale.ROOT,
                                    " (limit %.1f °C), %d heat throttling events",
                                    limits.hotCelsius(),
                                    health.throttleEvents()),
                    Double.isNaN(hottest) ? 0 : hottest,
                    limits.hotCelsius()));
        }
        double disk = share(health.diskFreeMinBytes(), health.diskTotalBytes());
        if (disk < limits.minFreeDisk()) {
            breaches.add(new Breach(
                    "disk_low",
                    String.format(
                            Locale.ROOT,
                            "%.1f%% of the data directory's disk free (%d MiB), below %.1f%%",
                            100 * disk,
                            health.diskFreeMinBytes() >> 20,
                            100 * limits.minFreeDisk()),
                    disk,
                    limits.minFreeDisk()));
        }
        double memory = share(health.memoryAvailableMinBytes(), health.memoryTotalBytes());
        if (memory < limits.minAvailableMemory()) {
            breaches.add(new Breach(
                    "memory_low",
                    String.format(
                            Locale.ROOT,
                            "%.1f%% of memory available (%d MiB), below %.1f%%",
                            100 * memory,
                            health.memoryAvailableMinBytes() >> 20,
                            100 * limits.minAvailableMemory()),
                    memory,
                    limits.minAvailableMemory()));
        }
        return breaches;
    }
}

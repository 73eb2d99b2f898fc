package io.fogline.node.health;

import io.fogline.core.telemetry.DeviceHealth;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the device's health every few seconds and sums a window's readings into a {@link DeviceHealth}: CPU busy
 * share and throttling as the change of the kernel's counters over the window, memory and disk as the least free,
 * temperatures as the highest. Reading happens on the telemetry tick's thread, never on a request's.
 */
public final class HealthSampler {

    private final SystemFiles system;
    private final Path dataDir;
    private SystemFiles.CpuTimes windowCpu;
    private long windowThrottle;
    private long samples;
    private long memoryTotal;
    private long memoryAvailableMin = Long.MAX_VALUE;
    private long diskTotal;
    private long diskFreeMin = Long.MAX_VALUE;
    private Map<String, Double> temperatures = new TreeMap<>();
    private SystemFiles.CpuTimes lastCpu;
    private long lastThrottle;

    /** @param dataDir a directory on the disk whose free space counts: the node's data directory */
    public HealthSampler(SystemFiles system, Path dataDir) {
        this.system = system;
        this.dataDir = dataDir;
        this.windowCpu = system.cpu();
        this.windowThrottle = system.throttleCount();
        this.lastCpu = windowCpu;
        this.lastThrottle = windowThrottle;
    }

    /** Takes a reading into the current window. */
    public synchronized void sample() {
        lastCpu = system.cpu();
        lastThrottle = system.throttleCount();
        SystemFiles.Memory memory = system.memory();
        if (memory != null) {
            memoryTotal = memory.totalBytes();
            memoryAvailableMin = Math.min(memoryAvailableMin, memory.availableBytes());
        }
        try {
            FileStore store = Files.getFileStore(dataDir);
            diskTotal = store.getTotalSpace();
            diskFreeMin = Math.min(diskFreeMin, store.getUsableSpace());
        } catch (IOException e) {
            // A data directory gone from under the node: its disk is reported as unknown (0), not as full.
        }
        system.temperatures().forEach((zone, celsius) -> temperatures.merge(zone, celsius, Math::max));
        samples++;
    }

    /** The window's figures since the last call, and a fresh window; null when no reading was taken. */
    public synchronized DeviceHealth drain() {
        if (samples == 0) {
            return null;
        }
        double busy = 0;
        if (windowCpu != null && lastCpu != null && lastCpu.total() > windowCpu.total()) {
            busy = (double) (lastCpu.busy() - windowCpu.busy()) / (lastCpu.total() - windowCpu.total());
        }
        DeviceHealth health = new DeviceHealth(
                samples,
                Math.max(0, Math.min(1, busy)),
                memoryTotal,
                memoryAvailableMin == Long.MAX_VALUE ? 0 : memoryAvailableMin,
                diskTotal,
                diskFreeMin == Long.MAX_VALUE ? 0 : diskFreeMin,
                temperatures,
                Math.max(0, lastThrottle - windowThrottle));
        windowCpu = lastCpu;
        windowThrottle = lastThrottle;
        samples = 0;
        memoryAvailableMin = Long.MAX_VALUE;
        diskFreeMin = Long.MAX_VALUE;
        temperatures = new TreeMap<>();
        return health;
    }
}

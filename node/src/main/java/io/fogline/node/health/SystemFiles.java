package io.fogline.node.health;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the Linux kernel's own accounts of the machine from {@code /proc} and {@code /sys} under a root directory:
 * {@code /} on a device, a copy of the same files in a test. A file the kernel does not offer (no thermal zones in a
 * container, no throttle counters on ARM) reads as nothing, never as an error.
 */
public final class SystemFiles {

    /** CPU time since boot in the kernel's ticks, all cores together. */
    public record CpuTimes(long busy, long total) {}

    /** Memory in bytes, as {@code /proc/meminfo} tells it. */
    public record Memory(long totalBytes, long availableBytes) {}

    private final Path root;

    public SystemFiles(Path root) {
        this.root = root;
    }

    /** The machine's own files. */
    public static SystemFiles live() {
        return new SystemFiles(Path.of("/"));
    }

    /** The first line of {@code /proc/stat}: busy is all but idle and iowait. Null where there is none. */
    public CpuTimes cpu() {
        String stat = read("proc/stat");
        if (stat == null || !stat.startsWith("cpu ")) {
            return null;
        }
        String[] fields = stat.substring(0, stat.indexOf('\n') < 0 ? stat.length() : stat.indexOf('\n'))
                .trim()
                .split("\\s+");
        long total = 0;
        long idle = 0;
        // user nice system idle iowait irq softirq steal; guest and guest_nice are already in user and nice.
        for (int i = 1; i < Math.min(fields.length, 9); i++) {
            long ticks = Long.parseLong(fields[i]);
            total += ticks;
            if (i == 4 || i == 5) {
                idle += ticks;
            }
        }
        return new CpuTimes(total - idle, total);
    }

    /** {@code MemTotal} and {@code MemAvailable} of {@code /proc/meminfo}; null where either is missing. */
    public Memory memory() {
        String meminfo = read("proc/meminfo");
        if (meminfo == null) {
            return null;
        }
        long total = -1;
        long available = -1;
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                total = kibibytes(line);
            } else if (line.startsWith("MemAvailable:")) {
                available = kibibytes(line);
            }
        }
        return total < 0 || available < 0 ? null : new Memory(total, available);
    }

    private static long kibibytes(String line) {
        String[] fields = line.trim().split("\\s+");
        return Long.parseLong(fields[1]) * 1024;
    }

    /**
     * Each thermal zone's temperature in degrees Celsius, by the zone's type ({@code type/thermal_zoneN} where two
     * zones share a type). A zone whose sensor fails to read is left out.
     */
    public Map<String, Double> temperatures() {
        Map<String, Double> byType = new TreeMap<>();
        for (Path zone : entries("sys/class/thermal", "thermal_zone*")) {
            String type = read(zone.resolve("type"));
            String millidegrees = read(zone.resolve("temp"));
            if (type == null || millidegrees == null) {
                continue;
            }
            double celsius;
            try {
                celsius = Long.parseLong(millidegrees.trim()) / 1000.0;
            } catch (NumberFormatException e) {
                continue;
            }
            String name = type.trim();
            if (byType.containsKey(name)) {
                name = name + "/" + zone.getFileName();
            }
            byType.put(name, celsius);
        }
        return byType;
    }

    /**
     * Heat throttling the kernel counted since boot (x86's {@code thermal_throttle}): every core's count, and the
     * package's once (each core of a package repeats it). 0 where the kernel keeps no such count.
     */
    public long throttleCount() {
        long cores = 0;
        long packages = 0;
        for (Path cpu : entries("sys/devices/system/cpu", "cpu[0-9]*")) {
            cores += count(cpu.resolve("thermal_throttle/core_throttle_count"));
            packages = Math.max(packages, count(cpu.resolve("thermal_throttle/package_throttle_count")));
        }
        return cores + packages;
    }

    private static long count(Path file) {
        String value = read(file);
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private List<Path> entries(String directory, String glob) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root.resolve(directory), glob)) {
            stream.forEach(found::add);
        } catch (IOException e) {
            return List.of();
        }
        found.sort(null);
        return found;
    }

    private String read(String relative) {
        return read(root.resolve(relative));
    }

    /** A kernel file's text, or null when it is not there or cannot be read (a sensor that fails says EIO). */
    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }
}

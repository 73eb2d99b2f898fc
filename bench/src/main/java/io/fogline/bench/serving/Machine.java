package io.fogline.bench.serving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Where and on what a benchmark ran: the facts a reader needs to compare its figures with others. */
public record Machine(
        int cpus,
        String cpuModel,
        String memory,
        String jdk,
        String os,
        String commit,
        String date,
        String loadAverageAtStart) {

    /** @param reportFile the report a run rewrites, whose changes do not make the working tree count as dirty */
    public static Machine describe(Path reportFile) {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                firstValue(Path.of("/proc/cpuinfo"), "model name"),
                memory(firstValue(Path.of("/proc/meminfo"), "MemTotal")),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                osName() + ", kernel " + System.getProperty("os.version") + ", " + System.getProperty("os.arch"),
                currentCommit(reportFile),
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                loadAverage());
    }

    /** The 1-, 5- and 15-minute load averages: above about 1 on this machine, other work shares the cores. */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    public static double oneMinuteLoad() {
        try {
            return Double.parseDouble(loadAverage().split(" ")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    /** {@code 24684096 kB} as {@code 23.5 GiB}. */
    private static String memory(String memTotal) {
        try {
            return String.format(
                    java.util.Locale.ROOT, "%.1f GiB", Long.parseLong(memTotal.replaceAll("[^0-9]", "")) / 1048576.0);
        } catch (NumberFormatException e) {
            return memTotal;
        }
    }

    private static String osName() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // Not every Linux has the file; the kernel version still says something.
        }
        return System.getProperty("os.name");
    }

    /** The short commit of the working tree, marked dirty when it has uncommitted changes besides the report. */
    private static String currentCommit(Path reportFile) {
        String head = git("rev-parse", "--short", "HEAD");
        if (head == null) {
            return "unknown";
        }
        String changes = reportFile == null
                ? git("status", "--porcelain", "--untracked-files=no")
                : git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)" + reportFile);
        return changes == null || changes.isEmpty() ? head : head + " (dirty)";
    }

    private static String git(String... arguments) {
        try {
            List<String> command = new ArrayList<>();
            command.add("git");
            command.addAll(List.of(arguments));
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? output : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

package io.fogline.bench.serving;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * CPU time of a process's threads from {@code /proc/<pid>/task/<tid>/stat}, summed by thread group (event loops,
 * model threads, ...), so a benchmark can say which part of a server spends the cores; and of whole processes and the
 * whole machine, so it can say how much other work shared them.
 */
final class ThreadCpu {

    /** Linux reports thread times in USER_HZ ticks, which it fixes at 100 per second for /proc. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final long pid;
    private final Function<String, String> groupOfThread;

    /** @param groupOfThread maps a thread's name (its first 15 characters, as the kernel keeps it) to its group */
    ThreadCpu(long pid, Function<String, String> groupOfThread) {
        this.pid = pid;
        this.groupOfThread = groupOfThread;
    }

    /** CPU time so far, user and system, in nanoseconds by group. */
    Map<String, Long> snapshot() throws IOException {
        Map<String, Long> nanos = new LinkedHashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    nanos.merge(groupOfThread.apply(name), ticks(Files.readString(task.resolve("stat"))), Long::sum);
                } catch (NoSuchFileException ended) {
                    // A thread that ended between the listing and the read: its time is gone with it.
                }
            }
        }
        return nanos;
    }

    /** CPU time of a whole process so far, user and system, in nanoseconds, ended threads included. */
    static long processNanos(long pid) throws IOException {
        return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /**
     * CPU time all processes of the machine have spent so far, in nanoseconds summed over its CPUs; less the time of
     * the processes a benchmark knows, it is what other work took from the cores.
     */
    static long machineNanos() throws IOException {
        String[] fields =
                Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        // cpu user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
        long busy = 0;
        for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
            busy += Long.parseLong(fields[field]);
        }
        return busy * NANOS_PER_TICK;
    }

    /** utime + stime of a stat line; fields are counted after the name, which may itself hold spaces. */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the name: state is field 3 of stat(5), so utime (14) and stime (15) are at 11 and 12 here.
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
    }
}

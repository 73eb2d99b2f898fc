package io.fogline.node.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.telemetry.DeviceHealth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel's files as a Linux machine has them, written under a temporary root (what a Raspberry Pi and an x86 box
 * show), read by the same code that reads {@code /}; and one reading of this machine's own files.
 */
class SystemFilesTest {

    @TempDir
    Path root;

    private void write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private void machine(long user, long idle, long availableKib, long packageMillidegrees, long throttles)
            throws IOException {
        write(
                "proc/stat",
                "cpu  " + user + " 0 100 " + idle + " 50 0 10 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\nintr 12345\n");
        write(
                "proc/meminfo",
                "MemTotal:        8000000 kB\nMemFree:          100000 kB\nMemAvailable:    " + availableKib
                        + " kB\nBuffers:           20000 kB\n");
        write("sys/class/thermal/thermal_zone0/type", "x86_pkg_temp\n");
        write("sys/class/thermal/thermal_zone0/temp", packageMillidegrees + "\n");
        write("sys/class/thermal/thermal_zone1/type", "acpitz\n");
        write("sys/class/thermal/thermal_zone1/temp", "27800\n");
        write("sys/class/thermal/thermal_zone2/type", "acpitz\n");
        write("sys/class/thermal/thermal_zone2/temp", "29800\n");
        write("sys/class/thermal/cooling_device0/type", "Processor\n");
        for (int cpu = 0; cpu < 2; cpu++) {
            write("sys/devices/system/cpu/cpu" + cpu + "/thermal_throttle/core_throttle_count", throttles + "\n");
            write("sys/devices/system/cpu/cpu" + cpu + "/thermal_throttle/package_throttle_count", "7\n");
        }
    }

    @Test
    void readsCpuMemoryThermalZonesAndThrottlingAsTheKernelWritesThem() throws IOException {
        machine(1000, 3000, 6_000_000, 91_500, 2);
        SystemFiles files = new SystemFiles(root);

        assertThat(files.cpu()).isEqualTo(new SystemFiles.CpuTimes(1110, 4160));
        assertThat(files.memory()).isEqualTo(new SystemFiles.Memory(8_000_000L * 1024, 6_000_000L * 1024));
        assertThat(files.temperatures())
                .containsEntry("x86_pkg_temp", 91.5)
                .containsEntry("acpitz", 27.8)
                .containsEntry("acpitz/thermal_zone2", 29.8)
                .hasSize(3);
        assertThat(files.throttleCount())
                .as("each core's count, the package's once")
                .isEqualTo(2 + 2 + 7);
    }

    @Test
    void whatTheKernelDoesNotOfferReadsAsNothing() throws IOException {
        write("sys/class/thermal/thermal_zone0/type", "cpu-thermal\n");
        write("sys/class/thermal/thermal_zone0/temp", "not a number\n");
        SystemFiles files = new SystemFiles(root);

        assertThat(files.cpu()).isNull();
        assertThat(files.memory()).isNull();
        assertThat(files.temperatures()).isEmpty();
        assertThat(files.throttleCount()).isZero();
    }

    @Test
    void aWindowsHealthIsTheChangeOfTheCountersAndTheExtremesOfTheReadings() throws IOException {
        machine(1000, 3000, 6_000_000, 60_000, 2);
        HealthSampler sampler = new HealthSampler(new SystemFiles(root), root);

        machine(1300, 3100, 1_000_000, 88_000, 2);
        sampler.sample();
        machine(1600, 3200, 5_000_000, 70_000, 5);
        sampler.sample();
        DeviceHealth window = sampler.drain();

        assertThat(window.samples()).isEqualTo(2);
        assertThat(window.cpuBusy()).isEqualTo(600.0 / 800.0);
        assertThat(window.memoryAvailableMinBytes()).isEqualTo(1_000_000L * 1024);
        assertThat(window.memoryTotalBytes()).isEqualTo(8_000_000L * 1024);
        assertThat(window.temperaturesMaxCelsius()).containsEntry("x86_pkg_temp", 88.0);
        assertThat(window.hottestCelsius()).isEqualTo(88.0);
        assertThat(window.throttleEvents()).isEqualTo(6);
        assertThat(window.diskTotalBytes()).isPositive();
        assertThat(window.diskFreeMinBytes()).isBetween(1L, window.diskTotalBytes());

        assertThat(sampler.drain()).as("no reading since").isNull();
        machine(1700, 3300, 5_000_000, 70_000, 5);
        sampler.sample();
        DeviceHealth next = sampler.drain();
        assertThat(next.cpuBusy()).isEqualTo(0.5);
        assertThat(next.throttleEvents()).isZero();
    }

    @Test
    void readsThisMachinesOwnFiles() {
        SystemFiles files = SystemFiles.live();
        HealthSampler sampler = new HealthSampler(files, root);
        sampler.sample();
        DeviceHealth health = sampler.drain();

        assertThat(files.cpu().total()).isPositive();
        assertThat(files.cpu().busy()).isBetween(0L, files.cpu().total());
        assertThat(health.memoryTotalBytes()).isEqualTo(files.memory().totalBytes());
        assertThat(health.memoryAvailableMinBytes()).isBetween(1L, health.memoryTotalBytes());
        assertThat(health.temperaturesMaxCelsius().values()).allMatch(celsius -> celsius > -60 && celsius < 150);
        assertThat(health.throttleEvents()).isNotNegative();
        System.out.println("this machine: " + health);
    }
}

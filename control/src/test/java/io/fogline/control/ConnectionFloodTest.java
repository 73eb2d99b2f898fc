package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof for the control plane: 20,000 idle and stalled connections from one neighbour, and health, a
 * device's poll and an operator's calls still answered. Before, 4,096 stalled connections from anywhere filled the
 * JDK server's only cap and every new client was refused until they timed out. The attacker connects from 127.0.0.2,
 * in two processes of 10,000 connections each (the machine allows 20,000 descriptors to a process), half of them
 * silent and half stalled in an enrolment that declares 100 MB; the control plane runs its default limits.
 */
class ConnectionFloodTest {

    private static final String ATTACKER = "127.0.0.2";
    private static final int PER_PROCESS = 10_000;
    private static final String STALLED_ENROLMENT = "POST /api/v1/enrol HTTP/1.1\r\nHost: control\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{\"token\": \"";

    @TempDir
    Path dir;

    private ControlHarness harness;
    private final List<Process> attackers = new ArrayList<>();

    @AfterEach
    void stop() {
        attackers.forEach(Process::destroyForcibly);
        if (harness != null) {
            harness.close();
        }
    }

    private BufferedReader attack(String head) throws IOException {
        Process attacker = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx96m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        StallingClients.class.getName(),
                        "127.0.0.1",
                        String.valueOf(harness.control().port()),
                        ATTACKER,
                        String.valueOf(PER_PROCESS),
                        head))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        attackers.add(attacker);
        return new BufferedReader(new InputStreamReader(attacker.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static String expect(BufferedReader attacker, String prefix) throws IOException {
        String line = attacker.readLine();
        assertThat(line).as("the attacker's report").isNotNull().startsWith(prefix);
        return line.substring(prefix.length());
    }

    /** The connections the server still holds of both attackers, by their next reports. */
    private static int heldOpen(List<BufferedReader> reports) throws IOException {
        int open = 0;
        for (BufferedReader report : reports) {
            open += Integer.parseInt(expect(report, "open "));
        }
        return open;
    }

    @Test
    void twentyThousandIdleAndStalledConnectionsLeaveHealthPollsAndOperatorsServed() throws IOException {
        harness = new ControlHarness(TestStore.SQLITE, dir);
        SimulatedDevice device = harness.enrol("cam-1", "cameras", Map.of());

        List<BufferedReader> reports = List.of(attack("silent"), attack(STALLED_ENROLMENT));
        for (BufferedReader report : reports) {
            assertThat(expect(report, "connected ")).isEqualTo(String.valueOf(PER_PROCESS));
        }

        Http operator = harness.operator();
        assertThat(operator.get("/api/v1/health").status()).as("health").isEqualTo(200);
        assertThat(device.http.get("/api/v1/devices/cam-1/desired").status())
                .as("a device's poll")
                .isIn(200, 304);
        assertThat(operator.get("/api/v1/models").status())
                .as("an operator's call")
                .isEqualTo(200);
        assertThat(harness.anonymous()
                        .post("/api/v1/enrol", Map.of("token", "made-up", "device_id", "cam-2"))
                        .status())
                .as("another neighbour's enrolment is answered")
                .isEqualTo(401);

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int held;
        do {
            held = heldOpen(reports);
        } while (held > 256 && System.nanoTime() < deadline);
        assertThat(held)
                .as("the attacker's address keeps at most its 256 connections (fewer once the 30 s idle timeout has"
                        + " closed the first silent ones); the others were closed as accepted")
                .isBetween(1, 256);
        assertThat(operator.get("/api/v1/health").status())
                .as("health, still during the attack")
                .isEqualTo(200);
    }
}

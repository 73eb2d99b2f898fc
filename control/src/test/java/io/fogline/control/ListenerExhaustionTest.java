package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The third attack on the control plane: requests to the unauthenticated {@code /api/v1/enrol} that declare
 * a large {@code Content-Length} and stall were never timed out, and 20,600 of them kept it unreachable and grew it to
 * 2.24 GB. Here a control plane with a 2 s request timeout and a cap of 500 connections (and as many from one address,
 * so that the total cap is what is tried) is attacked the same way. {@link ConnectionFloodTest} attacks the default
 * limits with 20,000 connections.
 */
class ListenerExhaustionTest {

    /** Under the route's 1 MiB limit, so that it is not refused at once with 413 but holds a slot while it stalls. */
    private static final String STALLED_ENROLMENT = "POST /api/v1/enrol HTTP/1.1\r\nHost: control\r\n"
            + "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{\"token\": \"";

    @TempDir
    Path dir;

    private Process control;
    private int port;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void launch() throws IOException, InterruptedException {
        Path log = dir.resolve("control.log");
        control = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ListenerMain.class.getName(),
                        dir.resolve("control").toString(),
                        "2",
                        "500",
                        "600"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Pattern listening = Pattern.compile("(?m)^listening (\\d+)$");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline && control.isAlive()) {
            Matcher matcher = listening.matcher(Files.readString(log));
            if (matcher.find()) {
                port = Integer.parseInt(matcher.group(1));
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the control plane did not start: " + Files.readString(log));
    }

    @AfterEach
    void stop() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed by the server
            }
        }
        control.destroyForcibly();
    }

    private Socket stall(String start) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        sockets.add(socket);
        return socket;
    }

    /** What the server sent before it closed the connection; fails if it kept it open 30 s. */
    private static String untilClosed(Socket socket) throws IOException {
        StringBuilder answer = new StringBuilder();
        try (InputStream in = socket.getInputStream()) {
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) > 0) {
                answer.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the control plane kept a stalled connection open for 30 s");
        } catch (IOException e) {
            // a reset is a close too
        }
        return answer.toString();
    }

    private long residentKilobytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + control.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no VmRSS for " + control.pid());
    }

    @Test
    void stalledEnrolmentsAreCutOffAndOthersAreServedMeanwhile() throws IOException {
        Http operator = new Http(port, ControlHarness.ADMIN_TOKEN);
        assertThat(operator.get("/api/v1/models").status()).isEqualTo(200);
        long before = residentKilobytes();

        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            stalled.add(stall(STALLED_ENROLMENT));
        }
        assertThat(operator.get("/api/v1/models").status())
                .as("an operator is served during the attack")
                .isEqualTo(200);
        int refusedAtOnce = 0;
        for (Socket socket : stalled) {
            String answer = untilClosed(socket);
            if (answer.startsWith("HTTP/1.1 429")) {
                refusedAtOnce++;
            }
        }
        long during = residentKilobytes();
        System.out.printf(
                "400 stalled enrolments: %d answered 429 at once, every one closed; resident %d MB before, %d MB"
                        + " after%n",
                refusedAtOnce, before / 1024, during / 1024);

        assertThat(refusedAtOnce).isEqualTo(400 - 8);
        Http.Answer enrol =
                new Http(port, null).post("/api/v1/enrol", java.util.Map.of("token", "made-up", "device_id", "cam-1"));
        assertThat(enrol.status()).as("enrolment answers again").isEqualTo(401);
    }

    @Test
    void connectionsPastTheCapAreClosedAndSilentOnesAreTimedOut() throws IOException {
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            silent.add(stall(""));
        }
        long closedAtOnce = silent.stream()
                .skip(500)
                .filter(socket -> {
                    try {
                        return untilClosed(socket).isEmpty();
                    } catch (IOException e) {
                        return true;
                    }
                })
                .count();
        for (Socket socket : silent.subList(0, 500)) {
            assertThat(untilClosed(socket))
                    .as("a silent connection is closed with no answer")
                    .isEmpty();
        }

        assertThat(closedAtOnce).isEqualTo(100);
        assertThat(new Http(port, ControlHarness.ADMIN_TOKEN)
                        .get("/api/v1/models")
                        .status())
                .as("a new client is served once the silent ones are gone")
                .isEqualTo(200);
    }
}

package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.control.http.Access;
import io.fogline.control.http.Route;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint of the control plane's route table, asked as a stranger on its network or another device would:
 * with no credential, an unknown one, another device's, a method the path does not take, and a declared body over the
 * route's limit. The routes come from the table it serves, so a new endpoint is attacked here the day it is added.
 */
class HostileNetworkTest {

    private static final Set<Access> OPEN = Set.of(Access.PUBLIC, Access.METRICS);

    @TempDir
    static Path dir;

    static ControlHarness harness;
    static SimulatedDevice victim;
    static SimulatedDevice intruder;

    @BeforeAll
    static void start() {
        harness = new ControlHarness(TestStore.SQLITE, dir);
        victim = harness.enrol("cam-1", "cameras", Map.of());
        intruder = harness.enrol("cam-2", "cameras", Map.of());
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    /** The status line and body of one raw HTTP/1.1 request that declares {@code declared} bytes and sends none. */
    private static String ask(String method, String path, String credential, long declared) throws IOException {
        return ask(method, path, credential, declared, new byte[0]);
    }

    private static String ask(String method, String path, String credential, long declared, byte[] body)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", harness.control().port())) {
            socket.setSoTimeout(30_000);
            String head = method + " " + path + " HTTP/1.1\r\nHost: control\r\nConnection: close\r\n"
                    + (credential == null ? "" : "Authorization: Bearer " + credential + "\r\n")
                    + "Content-Length: " + declared + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            return answer(socket.getInputStream());
        }
    }

    /**
     * The status line and body of one answer, read by its {@code Content-Length}: a request refused before its body
     * was read keeps its connection open until the body comes or the request timeout passes.
     */
    private static String answer(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed without an answer after '" + head + "'");
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        Matcher length = Pattern.compile("(?im)^content-length: *(\\d+)").matcher(text);
        String body = length.find()
                ? new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8)
                : "";
        return text.substring(0, text.indexOf("\r\n")) + " " + body;
    }

    private static String path(Route route) {
        return route.pattern()
                .replace("{id}", victim.id)
                .replace("{file*}", "index.html")
                .replace("{command}", "pause")
                .replaceAll("\\{[a-z0-9]+}", "1");
    }

    private static Stream<Route> routes(java.util.function.Predicate<Route> which) {
        return harness.control().routes().all().stream().filter(which);
    }

    private static DynamicTest each(Route route, org.junit.jupiter.api.function.Executable check) {
        return DynamicTest.dynamicTest(route.method() + " " + route.pattern(), check);
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointButTheOpenOnesWantsACredential() {
        return routes(route -> !OPEN.contains(route.access()))
                .map(route -> each(route, () -> {
                    assertThat(ask(route.method(), path(route), null, 0))
                            .isEqualTo(
                                    "HTTP/1.1 401 Unauthorized {\"error\":\"missing 'Authorization: Bearer <credential>'\"}");
                    assertThat(ask(route.method(), path(route), "made-up", 0))
                            .isEqualTo(
                                    "HTTP/1.1 401 Unauthorized {\"error\":\"unknown credential: neither the admin token nor"
                                            + " a device's\"}");
                }));
    }

    @TestFactory
    Stream<DynamicTest> anotherDeviceIsRefusedWhereOnlyTheOwnDeviceOrTheOperatorMayCall() {
        return routes(route -> !OPEN.contains(route.access()) && route.access() != Access.ANY_CALLER)
                .map(route -> each(route, () -> {
                    String expected =
                            switch (route.access()) {
                                case OWN_DEVICE -> "only device 'cam-1' " + route.action();
                                case OWN_DEVICE_OR_OPERATOR ->
                                    "device 'cam-2' cannot " + route.action() + " of 'cam-1'";
                                default -> "operator endpoint: a device credential is not enough";
                            };
                    assertThat(ask(route.method(), path(route), intruder.credential, 0))
                            .isEqualTo("HTTP/1.1 403 Forbidden {\"error\":\"" + expected + "\"}");
                }));
    }

    @TestFactory
    Stream<DynamicTest> aMethodNoRouteTakesIsTold405() {
        return routes(route -> true)
                .map(route -> each(route, () -> assertThat(ask("DELETE", path(route), ControlHarness.ADMIN_TOKEN, 0))
                        .startsWith("HTTP/1.1 405 Method Not Allowed {\"error\":\"no endpoint DELETE ")));
    }

    @TestFactory
    Stream<DynamicTest> aDeclaredBodyOverTheRoutesLimitIs413BeforeAnythingElse() {
        return routes(route -> true)
                .map(route ->
                        each(route, () -> assertThat(ask(route.method(), path(route), null, route.maxBodyBytes() + 1))
                                .isEqualTo(
                                        "HTTP/1.1 413 Request Entity Too Large {\"error\":\"request body is over the limit of "
                                                + route.maxBodyBytes() + " bytes\"}")));
    }

    @TestFactory
    Stream<DynamicTest> aDeeplyNestedBodyIsRefusedAndTheControlPlaneStays() {
        byte[] nested =
                ("{\"token\": " + "[".repeat(30_000) + "]".repeat(30_000) + "}").getBytes(StandardCharsets.US_ASCII);
        return routes(route -> route.method().equals("POST") && route.maxBodyBytes() >= nested.length)
                .map(route -> each(route, () -> {
                    String credential =
                            route.access() == Access.OWN_DEVICE ? victim.credential : ControlHarness.ADMIN_TOKEN;
                    assertThat(ask(route.method(), path(route), credential, nested.length, nested))
                            .matches("HTTP/1.1 (400|404|409) .*");
                    assertThat(ask("GET", "/api/v1/models", ControlHarness.ADMIN_TOKEN, 0))
                            .startsWith("HTTP/1.1 200");
                }));
    }
}

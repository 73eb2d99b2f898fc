package io.fogline.node.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.NodeProtection;
import io.fogline.node.http.ApiGroup;
import io.fogline.node.http.ApiRestrictions;
import io.fogline.node.http.ModelControlMode;
import io.fogline.node.http.NodeRoute;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint of the node's route table, asked as a stranger on its network would: with no key, with a wrong key,
 * with a method the path does not take, and (with the key) with a body over the limit or nested past any reason. The
 * routes come from the table the node serves, so a new endpoint is attacked here the day it is added.
 */
class HostileNetworkTest {

    private static final String HEADER = "fogline-key";
    private static final String KEY = "owners-secret";
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    @TempDir
    static Path repository;

    static FoglineNode node;

    @BeforeAll
    static void start() throws IOException {
        TinyModels.mlp(new TestRepository(repository).modelFile("fashion", 1), 4, 8, 3, 7);
        String everyGroup = String.join(
                ",", Arrays.stream(ApiGroup.values()).map(ApiGroup::flagName).toList());
        node = FoglineNode.start(NodeOptions.defaults(repository)
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withMaxRequestBytes(MAX_REQUEST_BYTES)
                .withProtection(NodeProtection.defaults()
                        .withModelControl(ModelControlMode.EXPLICIT)
                        .withRestrictions(ApiRestrictions.parse(List.of(everyGroup + ":" + HEADER + "=" + KEY)))));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Status line and body of one raw HTTP/1.1 request (raw, so that any method and body can be sent). */
    private static String ask(String method, String path, String headers, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            socket.setSoTimeout(30_000);
            String head = method + " " + path + " HTTP/1.1\r\nHost: node\r\nConnection: close\r\n" + headers
                    + "Content-Length: " + body.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int bodyStart = answer.indexOf("\r\n\r\n");
            return answer.substring(0, answer.indexOf("\r\n")) + " " + answer.substring(bodyStart + 4);
        }
    }

    private static String path(NodeRoute route) {
        return route.pattern().replace("{model}", "fashion").replace("{version}", "1");
    }

    private static Stream<NodeRoute> routes() {
        return node.routes().all().stream();
    }

    @TestFactory
    Stream<DynamicTest> noKeyIsRefusedOnEveryEndpoint() {
        return routes().map(route -> DynamicTest.dynamicTest(route.method() + " " + route.pattern(), () -> {
            String answer = ask(route.method().name(), path(route), "", new byte[0]);
            assertThat(answer)
                    .startsWith("HTTP/1.1 403")
                    .endsWith(
                            route.method().name().equals("HEAD")
                                    ? ""
                                    : "{\"error\":\"This API is restricted, expecting header '" + HEADER + "'\"}");
        }));
    }

    @TestFactory
    Stream<DynamicTest> aWrongKeyIsRefusedOnEveryEndpoint() {
        return routes().map(route -> DynamicTest.dynamicTest(route.method() + " " + route.pattern(), () -> assertThat(
                        ask(route.method().name(), path(route), HEADER + ": " + KEY + "x\r\n", new byte[0]))
                .startsWith("HTTP/1.1 403")));
    }

    @TestFactory
    Stream<DynamicTest> aMethodNoRouteTakesIsTold405OnEveryPath() {
        return routes().map(route -> DynamicTest.dynamicTest(
                route.pattern(), () -> assertThat(ask("DELETE", path(route), HEADER + ": " + KEY + "\r\n", new byte[0]))
                        .startsWith("HTTP/1.1 405")
                        .contains("it takes")));
    }

    @TestFactory
    Stream<DynamicTest> aBodyOverTheLimitIs413WhereABodyIsRead() {
        return routes().filter(route -> route.method().name().equals("POST"))
                .map(route -> DynamicTest.dynamicTest(route.pattern(), () -> assertThat(
                                ask("POST", path(route), HEADER + ": " + KEY + "\r\n", new byte[MAX_REQUEST_BYTES + 1]))
                        .startsWith("HTTP/1.1 413")
                        .endsWith("{\"error\":\"the request body is larger than the limit of " + MAX_REQUEST_BYTES
                                + " bytes\"}")));
    }

    @TestFactory
    Stream<DynamicTest> aDeeplyNestedBodyIsRefusedAndTheNodeStays() {
        byte[] nested =
                ("{\"inputs\": " + "[".repeat(30_000) + "]".repeat(30_000) + "}").getBytes(StandardCharsets.US_ASCII);
        return routes().filter(route -> route.method().name().equals("POST"))
                .filter(route ->
                        !route.pattern().endsWith("/unload") && !route.pattern().endsWith("/index"))
                .map(route -> DynamicTest.dynamicTest(route.pattern(), () -> {
                    assertThat(ask("POST", path(route), HEADER + ": " + KEY + "\r\n", nested))
                            .startsWith("HTTP/1.1 400");
                    assertThat(ask("GET", "/v2/health/live", HEADER + ": " + KEY + "\r\n", new byte[0]))
                            .startsWith("HTTP/1.1 200");
                }));
    }
}

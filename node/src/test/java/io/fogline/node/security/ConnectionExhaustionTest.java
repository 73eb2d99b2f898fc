package io.fogline.node.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.listener.ConnectionLimits;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeClient;
import io.fogline.node.NodeOptions;
import io.fogline.node.NodeProtection;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The third attack on a node: about 20,000 idle sockets made it deaf, against a 300 s idle timeout and no
 * connection cap. Here a node capped at 300 connections with 2 s timeouts is attacked by silent sockets, a client
 * that drips its headers and one that stalls its body; each is cut off, and a new client is served afterwards.
 */
class ConnectionExhaustionTest {

    @TempDir
    Path repository;

    private FoglineNode node;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        TinyModels.mlp(new TestRepository(repository).modelFile("fashion", 1), 4, 8, 3, 7);
        node = FoglineNode.start(NodeOptions.defaults(repository)
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withProtection(NodeProtection.defaults()
                        .withConnections(
                                new ConnectionLimits(300, 300, Duration.ofSeconds(2), Duration.ofSeconds(2)))));
    }

    @AfterEach
    void stop() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closed by the node already
            }
        }
        node.close();
    }

    private Socket open(String start) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 5000);
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
        sockets.add(socket);
        return socket;
    }

    /** What the node sent before closing; fails when it kept the connection 30 s. */
    private static String untilClosed(Socket socket) {
        StringBuilder answer = new StringBuilder();
        try (InputStream in = socket.getInputStream()) {
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) > 0) {
                answer.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the node kept a hostile connection open for 30 s");
        } catch (IOException e) {
            // a reset is a close too
        }
        return answer.toString();
    }

    @Test
    void silentConnectionsPastTheCapAreClosedAndTheRestTimeOut() throws IOException {
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            silent.add(open(""));
        }
        for (Socket socket : silent) {
            assertThat(untilClosed(socket)).isEmpty();
        }

        NodeClient.Reply health = new NodeClient(node.port()).get("/v2/health/live");
        assertThat(health.status())
                .as("a new client is served once they are gone")
                .isEqualTo(200);
    }

    @Test
    void aClientThatDripsItsHeadersIsCutOff() throws IOException, InterruptedException {
        Socket slow = open("GET /v2/health/live HTTP/1.1\r\n");
        OutputStream out = slow.getOutputStream();
        boolean cut = false;
        for (int i = 0; i < 60 && !cut; i++) {
            Thread.sleep(250);
            try {
                out.write('X');
                out.flush();
            } catch (IOException e) {
                cut = true;
            }
        }
        assertThat(cut || untilClosed(slow).isEmpty())
                .as("closed within 15 s of dripping")
                .isTrue();
    }

    @Test
    void aStalledBodyIsCutOffAndTheModelKeepsServing() throws IOException {
        Socket stalled = open("POST /v2/models/fashion/infer HTTP/1.1\r\nHost: node\r\nContent-Type: application/json"
                + "\r\nContent-Length: 60000\r\n\r\n{\"inputs\": [");

        assertThat(untilClosed(stalled)).isEmpty();
        NodeClient.Reply answer = new NodeClient(node.port())
                .post(
                        "/v2/models/fashion/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, 4], \"data\":"
                                + " [1, 2, 3, 4]}]}");
        assertThat(answer.status()).isEqualTo(200);
    }
}

package io.fogline.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionGuardTest {

    private static final Duration IDLE = Duration.ofSeconds(1);

    private final Vertx vertx = Vertx.vertx();
    private ConnectionGuard guard;

    @AfterEach
    void stop() {
        if (guard != null) {
            guard.close();
        }
        vertx.close().await();
    }

    /** A listener whose answers come {@code answerAfter} after each request, on the guard. */
    private int listen(Duration answerAfter) {
        return listen(answerAfter, Duration.ofSeconds(30));
    }

    private int listen(Duration answerAfter, Duration requestTimeout) {
        guard = new ConnectionGuard(vertx, new ConnectionLimits(16, 16, IDLE, requestTimeout));
        HttpServer server = vertx.createHttpServer(ConnectionGuard.guarded(new HttpServerOptions()))
                .connectionHandler(guard::accept)
                .requestHandler(request -> {
                    guard.requestStarted(request);
                    vertx.setTimer(
                            answerAfter.toMillis(), fired -> request.response().end("answered"));
                });
        return server.listen(0, "127.0.0.1").await().actualPort();
    }

    private static String get(Socket socket) throws IOException {
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return read(socket);
    }

    /** One answer, up to the end of its body or of the stream. */
    private static String read(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder answer = new StringBuilder();
        while (!answer.toString().endsWith("answered")) {
            int next = in.read();
            if (next < 0) {
                break;
            }
            answer.append((char) next);
        }
        return answer.toString();
    }

    @Test
    void aRequestAnsweredAfterTheIdleTimeoutKeepsItsConnection() throws Exception {
        int port = listen(IDLE.multipliedBy(3));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);

            assertThat(get(socket)).startsWith("HTTP/1.1 200 OK").endsWith("answered");
        }
    }

    @Test
    void aConnectionWithNoRequestInFlightIsClosedAfterTheIdleTimeout() throws Exception {
        int port = listen(Duration.ofMillis(1));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            assertThat(get(socket)).endsWith("answered");

            assertThat(socket.getInputStream().read())
                    .as("the listener closes the idle connection: end of stream, not the test's read timeout")
                    .isEqualTo(-1);
        }
    }

    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        int port = listen(Duration.ofMillis(1));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aRequestWhoseBodyStallsPastTheRequestTimeoutLosesItsConnectionBeforeItsAnswer() throws Exception {
        int port = listen(IDLE.multipliedBy(10), Duration.ofMillis(500));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\nonly some"
                            .getBytes(StandardCharsets.US_ASCII));

            assertThat(socket.getInputStream().read())
                    .as("closed with the request in flight, not answered 10 s later or at the test's read timeout")
                    .isEqualTo(-1);
        }
    }

    @Test
    void aConnectionKeepsServingRequestsWhoseBodiesCameInTime() throws Exception {
        int port = listen(Duration.ofMillis(1), Duration.ofMillis(500));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            for (int i = 0; i < 3; i++) {
                socket.getOutputStream()
                        .write("POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\n\r\nbody"
                                .getBytes(StandardCharsets.US_ASCII));
                assertThat(read(socket)).startsWith("HTTP/1.1 200 OK").endsWith("answered");
                Thread.sleep(400);
            }
        }
    }

    @Test
    void theSweepRunsAQuarterOfTheShorterTimeoutWithinATenthOfASecondAndASecond() {
        assertThat(sweepEvery(Duration.ofSeconds(1), Duration.ofSeconds(30))).isEqualTo(Duration.ofMillis(250));
        assertThat(sweepEvery(Duration.ofSeconds(60), Duration.ofMillis(800))).isEqualTo(Duration.ofMillis(200));
        assertThat(sweepEvery(Duration.ofSeconds(60), Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(1));
        assertThat(sweepEvery(Duration.ofSeconds(60), Duration.ofMillis(200))).isEqualTo(Duration.ofMillis(100));
    }

    private static Duration sweepEvery(Duration idleTimeout, Duration requestTimeout) {
        return ConnectionGuard.sweepEvery(new ConnectionLimits(16, 16, idleTimeout, requestTimeout));
    }
}

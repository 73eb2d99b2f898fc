package io.fogline.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PollingTransportTest {

    private Vertx vertx;

    @AfterEach
    void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
    }

    @Test
    void withoutASpinTheNativeTransportServesUnchanged() {
        assertThat(PollingTransport.choose(Duration.ZERO)).isSameAs(Transport.nativeTransport());
    }

    @Test
    void loopsThatPollServeRequestsAndSleepWhenTheTrafficStops() throws Exception {
        assumeTrue(Transport.EPOLL.available(), "epoll is Linux's");
        vertx = Vertx.builder()
                .with(new VertxOptions().setEventLoopPoolSize(1))
                .withTransport(PollingTransport.choose(Duration.ofMillis(1)))
                .build();
        assertThat(vertx.isNativeTransportEnabled()).isTrue();
        int port = vertx.createHttpServer()
                .requestHandler(request -> request.response().end("answered"))
                .listen(0, "127.0.0.1")
                .await()
                .actualPort();
        try (HttpClient client = HttpClient.newHttpClient()) {
            for (int i = 0; i < 50; i++) {
                HttpResponse<String> answer = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.body()).isEqualTo("answered");
            }
        }

        Thread.sleep(100);
        long before = eventLoopCpuNanos();
        Thread.sleep(1000);
        long idleCpu = eventLoopCpuNanos() - before;

        // A loop that kept polling would use the whole second; one that sleeps wakes only for Vert.x's timers.
        assertThat(Duration.ofNanos(idleCpu)).isLessThan(Duration.ofMillis(250));
    }

    private static long eventLoopCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .filter(info -> info != null && info.getThreadName().startsWith("vert.x-eventloop-thread"))
                .mapToLong(ThreadInfo::getThreadId)
                .map(threads::getThreadCpuTime)
                .sum();
    }
}

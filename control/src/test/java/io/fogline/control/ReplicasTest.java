package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.fogline.control.common.Json;
import io.fogline.control.monitor.MonitorOptions;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two replicas on one PostgreSQL and one S3-compatible bucket, sharing no disk. */
class ReplicasTest {

    private Replicas replicas;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        replicas = new Replicas(dir);
    }

    @AfterEach
    void stop() throws Exception {
        replicas.close();
    }

    @Test
    void aBundlePublishedThroughOneReplicaIsDownloadedThroughTheOther(@TempDir Path dir) throws Exception {
        FakeClock clock = new FakeClock();
        ControlPlane a = replicas.start("a", clock, Duration.ZERO, MonitorOptions.defaults());
        ControlPlane b = replicas.start("b", clock, Duration.ZERO, MonitorOptions.defaults());
        String bundle = replicas.publish(a.port(), "fashion", 1);
        SimulatedDevice device = replicas.enrol(b.port(), "cam-1", "cameras");
        long rollout = new Http(b.port(), ControlHarness.ADMIN_TOKEN)
                .post(
                        "/api/v1/rollouts",
                        Map.of("model", "fashion", "version", 1, "target", Map.of("group", "cameras")))
                .json()
                .path("id")
                .asLong();

        device.reach(a.port());
        JsonNode desired = device.desired("fashion");
        assertThat(desired.path("bundle").asText()).isEqualTo(bundle);
        device.reach(b.port());
        assertThat(device.download(bundle))
                .as("files fetched through b, each checked")
                .isEqualTo(5);
        String blob = replicas.publishedFile(a.port(), bundle, "model.onnx");
        Http.Answer resumed = device.http.get("/api/v1/blobs/" + blob, Map.of("Range", "bytes=49000-"));
        assertThat(resumed.status()).isEqualTo(206);
        assertThat(resumed.header("Content-Range")).isEqualTo("bytes 49000-49999/50000");
        assertThat(resumed.body()).hasSize(1000);
        device.switchTo(desired, SimulatedDevice.goodQuality());

        assertThat(new Http(a.port(), ControlHarness.ADMIN_TOKEN)
                        .get("/api/v1/rollouts/" + rollout)
                        .json()
                        .path("state")
                        .asText())
                .isEqualTo("completed");
        assertThat(dir.resolve("a/blobs")).as("no blob on a replica's disk").doesNotExist();
    }

    @Test
    void timersFireOnceAcrossReplicas() throws Exception {
        List<JsonNode> posted = Collections.synchronizedList(new ArrayList<>());
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            posted.add(Json.parse(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            FakeClock clock = new FakeClock();
            MonitorOptions defaults = MonitorOptions.defaults();
            MonitorOptions monitor = new MonitorOptions(
                    URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"),
                    defaults.silentPolls(),
                    defaults.recent(),
                    defaults.baseline(),
                    defaults.minRequests(),
                    defaults.p95Ms(),
                    defaults.errorRate(),
                    defaults.escalationJump(),
                    defaults.psi(),
                    Duration.ofSeconds(3),
                    null,
                    defaults.otlpStep(),
                    defaults.field());
            // Each replica's own timer steps too, every second of wall time; the test steps both besides, several
            // times in every second of the shared clock's time.
            ControlPlane a = replicas.start("a", clock, Duration.ofSeconds(1), monitor);
            ControlPlane b = replicas.start("b", clock, Duration.ofSeconds(1), monitor);
            replicas.enrol(a.port(), "cam-1", "cameras");

            // The shared clock stops at the tenth second: advanced past it, a replica's own timer could step at 10 s
            // before the runs are read (it did on a loaded machine, 11 steps).
            for (int second = 0; second < 10; second++) {
                if (second > 0) {
                    clock.advance(Duration.ofSeconds(1));
                }
                a.tick();
                b.tick();
                b.tick();
                a.tick();
            }

            assertThat(runs(a, "rollouts") + runs(b, "rollouts"))
                    .as("one step a second")
                    .isEqualTo(10);
            assertThat(runs(a, "alerts") + runs(b, "alerts"))
                    .as("an evaluation every 3 s: at 0, 3, 6 and 9 s")
                    .isEqualTo(4);
            assertThat(posted)
                    .as("cam-1 never polled: its silence alert, posted once")
                    .singleElement()
                    .satisfies(alert -> assertThat(alert.path("kind").asText()).isEqualTo("silence"));
        } finally {
            receiver.stop(0);
        }
    }

    /** The timer steps a replica ran, from its metrics. */
    private static double runs(ControlPlane replica, String timer) {
        Matcher value = Pattern.compile("(?m)^fogline_control_timer_runs_total\\{timer=\"" + timer + "\"} (\\S+)$")
                .matcher(replica.metrics().scrape());
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }
}

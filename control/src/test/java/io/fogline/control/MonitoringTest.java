package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.fogline.control.common.Json;
import io.fogline.control.monitor.MonitorOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MonitoringTest extends OnBothDatabases {

    /** Reference of input "x": half the values below 0.5, half above. */
    private static final String REFERENCE = """
            {"samples": 100, "inputs": {"x": {"datatype": "FP32", "count": 100, "mean": 0.5, "std": 0.3,
             "min": 0.0, "max": 1.0, "histogram": {"edges": [0.0, 0.5, 1.0], "counts": [50, 50]}}}, "outputs": {}}
            """;

    private SimulatedDevice camera;
    private SimulatedDevice other;

    @BeforeEach
    void start() {
        camera = harness.enrol("cam-1", "cameras", Map.of());
        other = harness.enrol("cam-2", "cameras", Map.of());
    }

    private Http.Answer upload(SimulatedDevice device, byte[] batch) {
        return device.http.postBytes("/api/v1/devices/" + device.id + "/telemetry", batch);
    }

    private void send(SimulatedDevice device, byte[] batch) {
        Http.Answer answer = upload(device, batch);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    }

    private List<JsonNode> alerts(String state) {
        JsonNode list = harness.operator()
                .get("/api/v1/alerts" + (state == null ? "" : "?state=" + state))
                .json();
        return StreamSupport.stream(list.spliterator(), false).toList();
    }

    private List<String> openAlerts() {
        return alerts("open").stream()
                .map(alert -> alert.path("kind").asText() + " "
                        + alert.path("subject").asText())
                .sorted()
                .toList();
    }

    /** Minutes in which cam-1 sends {@code cameraWindow} and cam-2 a plain window, and both poll. */
    private void minutes(int count, io.fogline.core.telemetry.ModelWindow cameraWindow) {
        for (int minute = 0; minute < count; minute++) {
            harness.clock.advance(Duration.ofMinutes(1));
            send(camera, TelemetryBatches.batch(harness.clock.instant(), cameraWindow));
            send(
                    other,
                    TelemetryBatches.batch(
                            harness.clock.instant(),
                            TelemetryBatches.window(100, 0, 10, 2, new long[] {0, 50, 50, 0})));
            pollBoth();
        }
    }

    /** cam-1's health over the last five minutes. */
    private JsonNode firstDeviceHealth() {
        return harness.operator()
                .get("/api/v1/health?minutes=5")
                .json()
                .path("devices")
                .get(0);
    }

    /** An evaluation as the timer runs it, after the polls' heartbeats are written. */
    private void evaluate() {
        harness.control().heartbeats().flush();
        harness.control().monitor().evaluate();
    }

    private void pollBoth() {
        camera.poll();
        other.poll();
    }

    @Test
    void aBatchIsAppliedOnceHoweverOftenItIsSent() {
        byte[] batch = TelemetryBatches.batch(harness.clock.instant(), TelemetryBatches.window(30, 0, 0, 3, null));

        assertThat(upload(camera, batch).json().path("accepted").asBoolean()).isTrue();
        Http.Answer again = upload(camera, batch);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("accepted").asBoolean()).isFalse();
        JsonNode windows =
                harness.operator().get("/api/v1/telemetry?device=cam-1").json().path("windows");
        assertThat(windows).hasSize(1);
        assertThat(windows.get(0).path("figures").path("requests").asLong()).isEqualTo(30);
        String metrics = harness.anonymous().get("/metrics").text();
        assertThat(metrics)
                .contains("fogline_control_telemetry_batches_total{result=\"applied\"} 1.0")
                .contains("fogline_control_telemetry_batches_total{result=\"duplicate\"} 1.0");
    }

    @Test
    void badTelemetryIsRefusedWithTheReason() {
        Http.Answer empty = upload(camera, "{\"batch_id\": \"\", \"windows\": []}".getBytes(StandardCharsets.UTF_8));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.error()).isEqualTo("batch_id must be 1 to 128 characters");

        Http.Answer backwards = upload(
                camera,
                ("{\"batch_id\": \"b1\", \"windows\": [{\"start\": \"2026-11-23T12:01:00Z\", \"end\":"
                                + " \"2026-11-23T12:00:00Z\", \"seconds\": 60, \"models\": []}]}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.error())
                .isEqualTo("window end 2026-11-23T12:00:00Z is not after its start 2026-11-23T12:01:00Z");

        Http.Answer notJson = upload(camera, "{".getBytes(StandardCharsets.UTF_8));
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.error()).startsWith("malformed telemetry: ");

        Http.Answer someoneElses = camera.http.postBytes(
                "/api/v1/devices/cam-2/telemetry",
                TelemetryBatches.batch(harness.clock.instant(), TelemetryBatches.window(1, 0, 0, 1, null)));
        assertThat(someoneElses.status()).isEqualTo(403);
        assertThat(someoneElses.error()).isEqualTo("only device 'cam-2' sends its telemetry");
        assertThat(harness.operator().get("/api/v1/telemetry").json().path("windows"))
                .isEmpty();
    }

    @Test
    void aDeviceThatStopsPollingIsAlertedOnAndTheAlertClearsWhenItPollsAgain() {
        pollBoth();
        harness.tick();
        assertThat(openAlerts()).isEmpty();

        // Three poll intervals of 30 s pass; only cam-2 keeps polling.
        for (int i = 0; i < 4; i++) {
            harness.clock.advance(Duration.ofSeconds(25));
            other.poll();
        }
        evaluate();
        assertThat(openAlerts()).containsExactly("silence device:cam-1");
        JsonNode health = harness.operator().get("/api/v1/health").json();
        assertThat(health.path("devices").get(0).path("status").asText()).isEqualTo("silent");
        assertThat(health.path("groups").get(0).path("silent").asInt()).isEqualTo(1);

        long id = alerts("open").getFirst().path("id").asLong();
        JsonNode acknowledged = harness.operator()
                .post("/api/v1/alerts/" + id + "/acknowledge", Map.of())
                .json();
        assertThat(acknowledged.path("state").asText()).isEqualTo("acknowledged");
        evaluate();
        assertThat(alerts("acknowledged")).hasSize(1);

        camera.poll();
        evaluate();
        assertThat(alerts("resolved"))
                .extracting(alert -> alert.path("kind").asText())
                .containsExactly("silence");
        assertThat(alerts("open")).isEmpty();

        Http.Answer unknown = harness.operator().post("/api/v1/alerts/999/acknowledge", Map.of());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("no alert 999");
        Http.Answer badState = harness.operator().get("/api/v1/alerts?state=closed");
        assertThat(badState.status()).isEqualTo(400);
        assertThat(badState.error()).isEqualTo("state must be open, acknowledged or resolved, got 'closed'");
    }

    @Test
    void driftIsNotJudgedOnAReferenceOrASpanTooSmallAndTheHealthFiguresSayWhy() {
        // The reference of a bundle packed with only its 8 golden cases.
        harness.publish("fashion", 1, REFERENCE.replace("\"samples\": 100", "\"samples\": 8"));
        minutes(5, TelemetryBatches.window(100, 0, 10, 2, new long[] {0, 0, 100, 0}));
        evaluate();

        assertThat(openAlerts()).isEmpty();
        JsonNode cam1 = firstDeviceHealth();
        assertThat(cam1.path("figures").path("drift_psi").isNull()).isTrue();
        assertThat(cam1.path("figures").path("drift_not_judged").asText())
                .isEqualTo("fashion v1: the bundle's reference statistics hold 8 samples; drift is judged against 100"
                        + " or more");
    }

    @Test
    void driftWaitsForEnoughAnswersInTheSpan() {
        harness.publish("fashion", 1, REFERENCE);
        minutes(1, TelemetryBatches.window(40, 0, 0, 2, new long[] {0, 0, 40, 0}));
        evaluate();

        assertThat(openAlerts()).isEmpty();
        JsonNode cam1 = firstDeviceHealth();
        assertThat(cam1.path("figures").path("drift_not_judged").asText())
                .isEqualTo("fashion v1: 40 answers so far; drift is judged on 100 or more");

        minutes(2, TelemetryBatches.window(40, 0, 0, 2, new long[] {0, 0, 40, 0}));
        evaluate();

        // 120 answers, all above 0.5, against a reference of half and half; the fleet's mix stays near it.
        assertThat(openAlerts()).containsExactly("drift device:cam-1:fashion:1");
    }

    @Test
    void latencyErrorRateEscalationJumpAndDriftOpenAlertsOnTheirOwnDevice() {
        harness.publish("fashion", 1, REFERENCE);
        // An hour of baseline: 10% escalated, fast, inputs as the reference has them.
        minutes(60, TelemetryBatches.window(100, 0, 10, 2, new long[] {0, 50, 50, 0}));
        evaluate();
        assertThat(openAlerts()).isEmpty();

        // Then cam-1 slows down, fails, escalates half its requests and sees brighter inputs; cam-2 goes on as before.
        minutes(5, TelemetryBatches.window(90, 10, 50, 400, new long[] {0, 10, 60, 30}));
        evaluate();

        assertThat(openAlerts())
                .containsExactly(
                        "drift device:cam-1:fashion:1",
                        "drift fleet:fashion:1",
                        "error_rate device:cam-1:fashion:1",
                        "escalation_jump device:cam-1:fashion:1",
                        "latency_slo device:cam-1:fashion:1");
        JsonNode health = harness.operator().get("/api/v1/health?minutes=5").json();
        JsonNode cam1 = health.path("devices").get(0);
        assertThat(cam1.path("status").asText()).isEqualTo("alerting");
        assertThat(cam1.path("figures").path("error_rate").asDouble()).isEqualTo(0.1);
        assertThat(health.path("devices").get(1).path("status").asText()).isEqualTo("ok");
        assertThat(health.path("models").get(0).path("devices").asInt()).isEqualTo(2);
        long devicesRequests = cam1.path("figures").path("requests").asLong()
                + health.path("devices").get(1).path("figures").path("requests").asLong();
        assertThat(devicesRequests).isPositive();
        assertThat(health.path("groups").get(0).path("figures").path("requests").asLong())
                .as("the group sums its devices' windows")
                .isEqualTo(devicesRequests);
        assertThat(health.path("models").get(0).path("figures").path("requests").asLong())
                .as("the model version sums every device's windows of it")
                .isEqualTo(devicesRequests);
    }

    @Test
    void aFailedGoldenTestFromFeedbackOpensAnAlert() {
        harness.publish("fashion", 1);
        harness.startRollout(Map.of(
                "model",
                "fashion",
                "version",
                1,
                "target",
                Map.of("group", "cameras"),
                "waves",
                Map.of("canary", "100%"),
                "gates",
                Map.of(),
                "on_failure",
                "pause"));
        camera.failGolden(camera.desired("fashion"));

        evaluate();

        List<JsonNode> open = alerts("open");
        assertThat(open).extracting(alert -> alert.path("kind").asText()).containsExactly("golden_failed");
        assertThat(open.getFirst().path("device_id").asText()).isEqualTo("cam-1");
        assertThat(open.getFirst().path("message").asText()).contains("fashion version 1 failed its golden tests");
    }

    @Test
    void alertsArePostedToTheWebhookAndRetriedUntilItTakesThem() throws IOException {
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            // The first delivery meets a receiver that is down for maintenance.
            exchange.sendResponseHeaders(calls.incrementAndGet() == 1 ? 503 : 204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            harness.restart(MonitorOptions.defaults()
                    .withWebhook(URI.create(
                            "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")));
            harness.clock.advance(Duration.ofMinutes(5));
            other.poll();
            harness.tick();
            assertThat(received).hasSize(1);

            harness.tick();
            harness.tick();

            assertThat(received).hasSize(2);
            assertThat(received.get(0)).isEqualTo(received.get(1));
            JsonNode alert = Json.parse(received.get(1).getBytes(StandardCharsets.UTF_8));
            assertThat(alert.path("kind").asText()).isEqualTo("silence");
            assertThat(alert.path("subject").asText()).isEqualTo("device:cam-1");
            assertThat(alert.path("state").asText()).isEqualTo("open");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aResolvedAlertIsPostedToTheWebhookToo() throws IOException {
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            harness.restart(MonitorOptions.defaults()
                    .withWebhook(URI.create(
                            "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")));
            harness.clock.advance(Duration.ofMinutes(5));
            other.poll();
            harness.tick();
            camera.poll();
            harness.clock.advance(Duration.ofMinutes(1));
            harness.tick();
            harness.tick();

            assertThat(received).hasSize(2);
            JsonNode opened = Json.parse(received.get(0).getBytes(StandardCharsets.UTF_8));
            JsonNode resolved = Json.parse(received.get(1).getBytes(StandardCharsets.UTF_8));
            assertThat(opened.path("state").asText()).isEqualTo("open");
            assertThat(resolved.path("state").asText()).isEqualTo("resolved");
            assertThat(resolved.path("id").asLong()).isEqualTo(opened.path("id").asLong());
            assertThat(resolved.path("resolved_at").isTextual()).isTrue();
        } finally {
            receiver.stop(0);
        }
    }
}

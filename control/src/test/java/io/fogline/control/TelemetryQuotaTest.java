package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.control.monitor.Downsampling;
import io.fogline.control.monitor.TelemetryQuota;
import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.TelemetryBatch;
import io.fogline.core.telemetry.TelemetryJson;
import io.fogline.core.telemetry.TelemetryWindow;
import io.fogline.core.telemetry.ValueHistogram;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fourth attack: one device posts 4 MB batches of windows for 3,000 invented models, which grew the
 * database from 0.7 to 37 MB and the health and telemetry views the dashboard reads every 3 s to 7.5–8.7 MB. Its
 * quota keeps what it stores, and so the views, small, while its real telemetry still arrives.
 */
class TelemetryQuotaTest extends OnBothDatabases {

    private SimulatedDevice attacker;
    private SimulatedDevice neighbour;

    @BeforeEach
    void enrol() {
        attacker = harness.enrol("cam-1", "cameras", Map.of());
        neighbour = harness.enrol("cam-2", "cameras", Map.of());
    }

    /** A window of {@code model} with an input histogram of 64 bins, about 1.3 KB as JSON. */
    private static ModelWindow window(String model) {
        ModelWindow plain = TelemetryBatches.window(10, 0, 0, 3, null);
        double[] edges = new double[65];
        long[] counts = new long[66];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = i / 64.0;
        }
        counts[1] = 10;
        return new ModelWindow(
                model,
                "1",
                plain.requests(),
                plain.latencyMs(),
                null,
                0,
                Map.of(),
                0,
                0,
                0,
                0,
                Map.of("x", new ValueHistogram(edges, counts, 10, 0, 0, 0, 1)),
                null,
                null);
    }

    private byte[] batch(Instant end, List<ModelWindow> models) {
        return TelemetryJson.write(new TelemetryBatch(
                UUID.randomUUID().toString(),
                List.of(TelemetryWindow.of(end.minusSeconds(60), end, 60, models)),
                List.of()));
    }

    private Http.Answer upload(SimulatedDevice device, byte[] body) {
        return device.http.postBytes("/api/v1/devices/" + device.id + "/telemetry", body);
    }

    @Test
    void inventedModelNamesAreDroppedPastTheDevicesAllowanceAndTheViewsStaySmall() {
        Set<String> stored = new HashSet<>();
        long posted = 0;
        for (int post = 0; post < 5; post++) {
            List<ModelWindow> invented = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                invented.add(window("invented-" + post + "-" + i));
            }
            byte[] body = batch(harness.clock.instant(), invented);
            posted += body.length;
            Http.Answer answer = upload(attacker, body);
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            assertThat(answer.json().path("accepted").asBoolean()).isTrue();
            harness.clock.advance(Duration.ofSeconds(60));
        }
        assertThat(upload(neighbour, TelemetryBatches.batch(harness.clock.instant(), window("fashion")))
                        .status())
                .isEqualTo(200);

        Http.Answer telemetry = harness.operator().get("/api/v1/telemetry?minutes=60");
        for (JsonNode window : telemetry.json().path("windows")) {
            if (window.path("device_id").asText().equals("cam-1")) {
                stored.add(window.path("model").asText());
            }
        }
        Http.Answer health = harness.operator().get("/api/v1/health?minutes=60");
        System.out.printf(
                "%s: posted %d bytes of windows of 15,000 models; stored %d models; telemetry view %d bytes, health"
                        + " view %d bytes%n",
                store, posted, stored.size(), telemetry.body().length, health.body().length);

        assertThat(health.status()).as(health.text()).isEqualTo(200);
        assertThat(posted).isGreaterThan(15_000_000);
        assertThat(stored).hasSize(TelemetryQuota.defaults().maxOtherModels());
        assertThat(telemetry.body().length).isLessThan(100_000);
        assertThat(health.body().length).isLessThan(20_000);
        assertThat(telemetry.json().path("windows").toString()).contains("\"cam-2\"");
        assertThat(harness.anonymous().get("/metrics").text())
                .contains("fogline_control_telemetry_dropped_total{reason=\"unknown_model\"} " + (15_000 - 8) + ".0");
    }

    @Test
    void theModelsTheControlPlaneGaveADeviceNeedNoAllowanceAndADayHasAQuota() {
        harness.restartWith(options -> options.withTelemetryQuota(
                new TelemetryQuota(0, 100, 65_536, 16, Duration.ofDays(7), Downsampling.defaults())));
        attacker.reach(harness.control().port());
        Http.Answer running = attacker.report(
                Map.of("status", "switched", "running", List.of(Map.of("model", "fashion", "version", 1))));
        assertThat(running.status()).as(running.text()).isEqualTo(200);

        List<TelemetryWindow> windows = new ArrayList<>();
        Instant now = harness.clock.instant();
        LongStream.range(0, 150)
                .forEach(i -> windows.add(TelemetryWindow.of(
                        now.minusSeconds(60 * (i + 1)), now.minusSeconds(60 * i), 60, List.of(window("fashion")))));
        assertThat(upload(attacker, TelemetryJson.write(new TelemetryBatch("many", windows, List.of())))
                        .status())
                .isEqualTo(200);
        assertThat(upload(attacker, batch(now, List.of(window("other")))).status())
                .isEqualTo(200);

        assertThat(harness.operator()
                        .get("/api/v1/telemetry?device=cam-1&minutes=1440")
                        .json()
                        .path("windows"))
                .hasSize(100);
        assertThat(harness.anonymous().get("/metrics").text())
                .contains("fogline_control_telemetry_dropped_total{reason=\"daily_quota\"} 50.0")
                .contains("fogline_control_telemetry_dropped_total{reason=\"unknown_model\"} 1.0");
    }

    @Test
    void windowsOutOfTimeAreNotStoredAndOldOnesAreDeletedAfterTheRetention() {
        Instant now = harness.clock.instant();
        assertThat(upload(attacker, batch(now.plus(Duration.ofHours(1)), List.of(window("fashion"))))
                        .status())
                .isEqualTo(200);
        assertThat(upload(attacker, batch(now.minus(Duration.ofDays(8)), List.of(window("fashion"))))
                        .status())
                .isEqualTo(200);
        assertThat(upload(attacker, batch(now, List.of(window("fashion")))).status())
                .isEqualTo(200);
        assertThat(harness.operator()
                        .get("/api/v1/telemetry?device=cam-1&minutes=60")
                        .json()
                        .path("windows"))
                .hasSize(1);

        harness.clock.advance(Duration.ofDays(7).plusMinutes(1));
        harness.tick();

        assertThat(harness.operator()
                        .get("/api/v1/telemetry?device=cam-1&minutes=20000")
                        .json()
                        .path("windows"))
                .isEmpty();
        assertThat(harness.anonymous().get("/metrics").text())
                .contains("fogline_control_telemetry_dropped_total{reason=\"out_of_time\"} 2.0");
    }
}

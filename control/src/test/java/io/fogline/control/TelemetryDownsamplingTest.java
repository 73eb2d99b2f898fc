package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.core.telemetry.DeviceHealth;
import io.fogline.core.telemetry.LatencyHistogram;
import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.RequestCount;
import io.fogline.core.telemetry.TelemetryBatch;
import io.fogline.core.telemetry.TelemetryJson;
import io.fogline.core.telemetry.TelemetryWindow;
import io.fogline.core.telemetry.ValueHistogram;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Old telemetry merged into coarser windows (five minutes after two hours, an hour after two days): every count and
 * histogram adds up to what the devices sent, however the windows arrive and wherever a pass stops, and the views
 * read a merged window once.
 */
class TelemetryDownsamplingTest extends OnBothDatabases {

    private static final long FIVE_MINUTES = Duration.ofMinutes(5).toMillis();
    private static final long HOUR = Duration.ofHours(1).toMillis();

    /** A window of a model version with figures drawn from {@code random}: counts, latencies, inputs, classes. */
    private static ModelWindow window(String model, String version, Random random) {
        long ok = random.nextInt(50);
        long errors = random.nextInt(4);
        long[] latency = new long[LatencyHistogram.BUCKETS];
        for (int i = 0; i < ok; i++) {
            latency[LatencyHistogram.bucketOf(0.5 + random.nextInt(200))]++;
        }
        long[] input = {random.nextInt(5), random.nextInt(20), random.nextInt(20), random.nextInt(5)};
        long labelled = random.nextInt(5);
        return new ModelWindow(
                        model,
                        version,
                        List.of(new RequestCount("local", "ok", ok), new RequestCount("none", "internal", errors)),
                        LatencyHistogram.of(latency),
                        null,
                        random.nextInt(9),
                        Map.of("max_probability_below", (long) random.nextInt(10)),
                        random.nextInt(3),
                        random.nextInt(2),
                        random.nextInt(5000),
                        random.nextInt(9000),
                        Map.of("x", new ValueHistogram(new double[] {0, 0.5, 1}, input, sum(input), 0, 0, 0, 1)),
                        null,
                        new long[] {random.nextInt(7), random.nextInt(7), random.nextInt(7)})
                .withGroundTruth(labelled, random.nextInt((int) labelled + 1));
    }

    private static DeviceHealth health(Random random) {
        return new DeviceHealth(
                1 + random.nextInt(5),
                random.nextInt(101) / 100.0,
                8_000_000_000L,
                1_000_000_000L + random.nextInt(1_000_000),
                64_000_000_000L,
                9_000_000_000L + random.nextInt(1_000_000),
                Map.of("x86_pkg_temp", 40.0 + random.nextInt(40)),
                random.nextInt(3));
    }

    /** Uploads windows as the device's node would, in batches of a thousand. */
    private void upload(SimulatedDevice device, List<TelemetryWindow> windows) {
        for (int from = 0; from < windows.size(); from += 1000) {
            List<TelemetryWindow> part = windows.subList(from, Math.min(windows.size(), from + 1000));
            Http.Answer answer = device.http.postBytes(
                    "/api/v1/devices/" + device.id + "/telemetry",
                    TelemetryJson.write(new TelemetryBatch(UUID.randomUUID().toString(), part, List.of())));
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        }
    }

    /**
     * Every figure of the windows summed per device, model and version (and health per device), by this test's own
     * arithmetic rather than {@link ModelWindow#merge}: the totals down-sampling must keep.
     */
    private static Map<String, Long> totals(List<String> deviceIds, List<ModelWindow> windows) {
        Map<String, Long> totals = new TreeMap<>();
        for (int i = 0; i < windows.size(); i++) {
            ModelWindow w = windows.get(i);
            String key = deviceIds.get(i) + "/" + w.model() + "/" + w.version() + "/";
            for (RequestCount count : w.requests()) {
                totals.merge(key + "requests/" + count.tier() + "/" + count.outcome(), count.count(), Long::sum);
            }
            w.latencyMs()
                    .buckets()
                    .forEach((bucket, count) -> totals.merge(key + "latency/" + bucket, count, Long::sum));
            w.escalations().forEach((rule, count) -> totals.merge(key + "escalations/" + rule, count, Long::sum));
            w.inputs().forEach((name, histogram) -> {
                for (int b = 0; b < histogram.counts().length; b++) {
                    totals.merge(key + "input/" + name + "/" + b, histogram.counts()[b], Long::sum);
                }
            });
            for (int c = 0; c < w.classes().length; c++) {
                totals.merge(key + "class/" + c, w.classes()[c], Long::sum);
            }
            totals.merge(key + "cache_hits", w.cacheHits(), Long::sum);
            totals.merge(key + "degraded", w.degraded(), Long::sum);
            totals.merge(key + "bytes_upstream", w.bytesUpstream(), Long::sum);
            totals.merge(key + "bytes_cloud_only", w.bytesCloudOnly(), Long::sum);
            totals.merge(key + "ground_truth", w.groundTruth(), Long::sum);
            totals.merge(key + "correct", w.correct(), Long::sum);
            totals.merge(key + "queue_depth_max", w.queueDepthMax(), Math::max);
        }
        return totals;
    }

    private static Map<String, Long> healthTotals(List<String> deviceIds, List<DeviceHealth> readings) {
        Map<String, Long> totals = new TreeMap<>();
        for (int i = 0; i < readings.size(); i++) {
            DeviceHealth h = readings.get(i);
            String key = deviceIds.get(i) + "/";
            totals.merge(key + "samples", h.samples(), Long::sum);
            totals.merge(key + "throttle_events", h.throttleEvents(), Long::sum);
            totals.merge(key + "memory_available_min", h.memoryAvailableMinBytes(), Math::min);
            totals.merge(key + "disk_free_min", h.diskFreeMinBytes(), Math::min);
            totals.merge(key + "hottest_celsius", Math.round(h.hottestCelsius()), Math::max);
        }
        return totals;
    }

    /** The busy CPU-seconds of the readings, per device: a merged share weighted by its samples must keep them. */
    private static Map<String, Double> busy(List<String> deviceIds, List<DeviceHealth> readings) {
        Map<String, Double> busy = new TreeMap<>();
        for (int i = 0; i < readings.size(); i++) {
            busy.merge(
                    deviceIds.get(i),
                    readings.get(i).cpuBusy() * readings.get(i).samples(),
                    Double::sum);
        }
        return busy;
    }

    private List<String> stored(String column, String table) {
        return harness.column("SELECT " + column + " FROM " + table + " ORDER BY id");
    }

    private Map<String, Long> storedTotals() {
        List<ModelWindow> windows = stored("body", "telemetry_windows").stream()
                .map(body -> TelemetryJson.read(body.getBytes(StandardCharsets.UTF_8), ModelWindow.class))
                .toList();
        return totals(stored("device_id", "telemetry_windows"), windows);
    }

    private List<DeviceHealth> storedHealth() {
        return stored("body", "device_health_windows").stream()
                .map(body -> TelemetryJson.read(body.getBytes(StandardCharsets.UTF_8), DeviceHealth.class))
                .toList();
    }

    private long count(String table) {
        return Long.parseLong(harness.column("SELECT COUNT(*) FROM " + table).getFirst());
    }

    /**
     * The rows windows of the series {@code keys} ending at {@code ends} are in after a pass at {@code now}: the
     * tiers' arithmetic.
     */
    private static long rowsAfterPass(List<String> keys, List<Long> ends, long now) {
        long hourly = Math.floorDiv(now - Duration.ofDays(2).toMillis(), HOUR) * HOUR;
        long fiveMinute = Math.floorDiv(now - Duration.ofHours(2).toMillis(), FIVE_MINUTES) * FIVE_MINUTES;
        Set<String> rows = new HashSet<>();
        for (int i = 0; i < ends.size(); i++) {
            long end = ends.get(i);
            rows.add(keys.get(i)
                    + (end <= hourly
                            ? "h" + (end - 1) / HOUR
                            : end <= fiveMinute ? "m" + (end - 1) / FIVE_MINUTES : "raw" + i));
        }
        return rows.size();
    }

    @Test
    void aDayOfFiveSecondWindowsKeepsEveryTotalInFarFewerRowsAndTheViewsReadEachMergedWindowOnce() {
        SimulatedDevice device = harness.enrol("cam-1", "cameras", Map.of());
        Random random = new Random(11);
        Instant now = harness.clock.instant();
        List<TelemetryWindow> windows = new ArrayList<>();
        List<ModelWindow> sent = new ArrayList<>();
        List<DeviceHealth> readings = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        for (int i = 17_280; i > 0; i--) {
            Instant end = now.minusSeconds(5L * (i - 1));
            ModelWindow model = window("fashion", "1", random);
            DeviceHealth health = health(random);
            windows.add(TelemetryWindow.of(end.minusSeconds(5), end, 5, List.of(model))
                    .withHealth(health));
            sent.add(model);
            readings.add(health);
            ends.add(end.toEpochMilli());
        }
        upload(device, windows);
        List<String> ids = Collections.nCopies(sent.size(), "cam-1");
        JsonNode before = harness.operator().get("/api/v1/health?minutes=1500").json();
        assertThat(count("telemetry_windows")).isEqualTo(17_280);

        harness.tick();

        long rows = count("telemetry_windows");
        System.out.printf(
                "%s: a day of 5 s windows of one model: 17280 rows -> %d model rows, %d health rows%n",
                store, rows, count("device_health_windows"));
        assertThat(rows).isEqualTo(rowsAfterPass(ids, ends, now.toEpochMilli())).isEqualTo(1440 + 264);
        assertThat(count("device_health_windows")).isEqualTo(rows);
        assertThat(storedTotals()).isEqualTo(totals(ids, sent));
        assertThat(healthTotals(ids, storedHealth())).isEqualTo(healthTotals(ids, readings));
        assertThat(busy(ids, storedHealth()).get("cam-1"))
                .isCloseTo(busy(ids, readings).get("cam-1"), within(1e-6));

        // Figures only: the tick also evaluated alerts, which may mark the device alerting.
        JsonNode after = harness.operator().get("/api/v1/health?minutes=1500").json();
        assertThat(after.path("devices").get(0).path("figures"))
                .isEqualTo(before.path("devices").get(0).path("figures"));
        assertThat(after.path("models")).isEqualTo(before.path("models"));
        JsonNode series = harness.operator()
                .get("/api/v1/telemetry?device=cam-1&minutes=1500")
                .json()
                .path("windows");
        assertThat(series).hasSize((int) rows);
        JsonNode merged = series.get(0);
        assertThat(Duration.between(
                        Instant.parse(merged.path("start").asText()),
                        Instant.parse(merged.path("end").asText())))
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(merged.path("seconds").asLong()).isEqualTo(300);
        long requests = 0;
        for (JsonNode point : series) {
            requests += point.path("figures").path("requests").asLong();
        }
        assertThat(requests)
                .isEqualTo(before.path("devices")
                        .get(0)
                        .path("figures")
                        .path("requests")
                        .asLong());
        assertThat(harness.operator()
                        .get("/api/v1/device-health?device=cam-1&minutes=1500")
                        .json()
                        .path("windows"))
                .hasSize((int) rows);

        // The daily quota counts the windows a merged row holds, not rows: 20,000 a day, 17,280 sent.
        List<TelemetryWindow> more = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            more.add(TelemetryWindow.of(now.minusSeconds(1), now, 1, List.of(window("fashion", "2", random))));
        }
        upload(device, more);
        assertThat(harness.anonymous().get("/metrics").text())
                .contains("fogline_control_telemetry_dropped_total{reason=\"daily_quota\"} "
                        + (3000 - (20_000 - 17_280)) + ".0");
    }

    @Test
    void downsamplingKeepsEveryTotalWhateverTheWindowsAreAndWhenTheyArrive() {
        for (int seed = 0; seed < 3; seed++) {
            Random random = new Random(seed);
            List<SimulatedDevice> devices = new ArrayList<>();
            for (int d = 0; d < 3; d++) {
                devices.add(harness.enrol("seed-" + seed + "-cam-" + d, "cameras", Map.of()));
            }
            String[][] versions = {{"fashion", "1"}, {"fashion", "2"}, {"digits", "7"}};
            Instant now = harness.clock.instant();
            List<String> ids = new ArrayList<>();
            List<ModelWindow> sent = new ArrayList<>();
            List<String> series = new ArrayList<>();
            List<Long> ends = new ArrayList<>();
            List<String> healthIds = new ArrayList<>();
            List<DeviceHealth> readings = new ArrayList<>();
            List<List<TelemetryWindow>> early = new ArrayList<>();
            List<List<TelemetryWindow>> late = new ArrayList<>();
            for (SimulatedDevice device : devices) {
                List<TelemetryWindow> onTime = new ArrayList<>();
                List<TelemetryWindow> delayed = new ArrayList<>();
                for (int i = 0; i < 600; i++) {
                    long seconds = new long[] {5, 10, 30, 60}[random.nextInt(4)];
                    Instant end = now.minusMillis(
                            (long) (random.nextDouble() * Duration.ofDays(3).toMillis()));
                    List<ModelWindow> models = new ArrayList<>();
                    for (String[] version : versions) {
                        if (random.nextInt(3) > 0) {
                            models.add(window(version[0], version[1], random));
                            ids.add(device.id);
                            series.add(device.id + "/" + version[0] + "/" + version[1] + "/");
                            ends.add(end.toEpochMilli());
                        }
                    }
                    sent.addAll(models);
                    TelemetryWindow window = TelemetryWindow.of(end.minusSeconds(seconds), end, seconds, models);
                    if (random.nextBoolean()) {
                        DeviceHealth health = health(random);
                        window = window.withHealth(health);
                        healthIds.add(device.id);
                        readings.add(health);
                    }
                    (random.nextInt(5) == 0 ? delayed : onTime).add(window);
                }
                early.add(onTime);
                late.add(delayed);
            }
            for (int d = 0; d < devices.size(); d++) {
                upload(devices.get(d), early.get(d));
            }
            harness.clock.advance(Duration.ofHours(1));
            harness.tick();

            // Windows a node's outbox held while it was offline, for buckets merged already.
            harness.clock.advance(Duration.ofMinutes(1 + random.nextInt(600)));
            for (int d = 0; d < devices.size(); d++) {
                upload(devices.get(d), late.get(d));
            }
            harness.clock.advance(Duration.ofHours(1));
            harness.tick();

            Map<String, Long> expected = totals(ids, sent);
            assertThat(storedTotals()).as("seed %d", seed).isEqualTo(expected);
            assertThat(healthTotals(stored("device_id", "device_health_windows"), storedHealth()))
                    .isEqualTo(healthTotals(healthIds, readings));
            busy(healthIds, readings).forEach((id, seconds) -> assertThat(
                            busy(stored("device_id", "device_health_windows"), storedHealth())
                                    .get(id))
                    .isCloseTo(seconds, within(1e-6)));
            assertThat(count("telemetry_windows")).isEqualTo(rowsAfterPass(series, ends, harness.clock.millis()));
            assertThat(harness.column("SELECT SUM(windows) FROM telemetry_windows")
                            .getFirst())
                    .isEqualTo(String.valueOf(sent.size()));

            // The views read each merged window once, for a device serving two models as for one.
            Http.Answer health = harness.operator().get("/api/v1/health?minutes=10080");
            assertThat(health.status()).as(health.text()).isEqualTo(200);
            for (JsonNode device : health.json().path("devices")) {
                String prefix = device.path("device_id").asText() + "/";
                long requests = expected.entrySet().stream()
                        .filter(e -> e.getKey().startsWith(prefix) && e.getKey().contains("/requests/"))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
                assertThat(device.path("figures").path("requests").asLong())
                        .as(device.toString())
                        .isEqualTo(requests);
            }

            harness.clock.advance(Duration.ofHours(1));
            harness.tick();
            assertThat(storedTotals()).isEqualTo(expected);
            harness.execute("DELETE FROM telemetry_windows", List.<Object[]>of(new Object[0]));
            harness.execute("DELETE FROM device_health_windows", List.<Object[]>of(new Object[0]));
        }
    }

    @Test
    void aPassStoppedBetweenDeletingABucketAndInsertingItsSumLosesAndDoublesNothing() {
        SimulatedDevice first = harness.enrol("cam-1", "cameras", Map.of());
        SimulatedDevice second = harness.enrol("cam-2", "cameras", Map.of());
        Random random = new Random(5);
        Instant now = harness.clock.instant();
        List<String> ids = new ArrayList<>();
        List<ModelWindow> sent = new ArrayList<>();
        for (SimulatedDevice device : List.of(first, second)) {
            List<TelemetryWindow> windows = new ArrayList<>();
            for (int i = 0; i < 8 * 720; i++) {
                Instant end = now.minusSeconds(5L * i);
                ModelWindow model = window("fashion", "1", random);
                windows.add(TelemetryWindow.of(end.minusSeconds(5), end, 5, List.of(model)));
                ids.add(device.id);
                sent.add(model);
            }
            upload(device, windows);
        }
        Map<String, Long> expected = totals(ids, sent);
        // A merged window of cam-2 fails as it is inserted, after its bucket's windows were deleted in the same step;
        // cam-1's 84 buckets old enough fill one transaction and share the next with cam-2's.
        if (store == TestStore.POSTGRES) {
            harness.execute(
                    "CREATE FUNCTION injected_crash() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected crash';"
                            + " END $$ LANGUAGE plpgsql",
                    List.<Object[]>of(new Object[0]));
            harness.execute(
                    "CREATE TRIGGER injected BEFORE INSERT ON telemetry_windows FOR EACH ROW WHEN (NEW.bucket_ms > 0"
                            + " AND NEW.device_id = 'cam-2') EXECUTE FUNCTION injected_crash()",
                    List.<Object[]>of(new Object[0]));
        } else {
            harness.execute(
                    "CREATE TRIGGER injected BEFORE INSERT ON telemetry_windows WHEN NEW.bucket_ms > 0 AND"
                            + " NEW.device_id = 'cam-2' BEGIN SELECT RAISE(ABORT, 'injected crash'); END",
                    List.<Object[]>of(new Object[0]));
        }

        harness.clock.advance(Duration.ofHours(1));
        assertThatThrownBy(harness::tick).hasStackTraceContaining("injected crash");

        assertThat(storedTotals()).isEqualTo(expected);
        assertThat(harness.column("SELECT COUNT(*) FROM telemetry_windows WHERE device_id = 'cam-2'"))
                .containsExactly("5760");
        assertThat(Long.parseLong(harness.column("SELECT COUNT(*) FROM telemetry_windows WHERE device_id = 'cam-1'")
                        .getFirst()))
                .isLessThan(5760);

        harness.execute(
                "DROP TRIGGER injected" + (store == TestStore.POSTGRES ? " ON telemetry_windows" : ""),
                List.<Object[]>of(new Object[0]));
        harness.clock.advance(Duration.ofHours(1));
        harness.tick();

        assertThat(storedTotals()).isEqualTo(expected);
        assertThat(harness.column("SELECT COUNT(*) FROM telemetry_windows WHERE device_id = 'cam-2'"))
                .isEqualTo(harness.column("SELECT COUNT(*) FROM telemetry_windows WHERE device_id = 'cam-1'"));
        assertThat(harness.column("SELECT SUM(windows) FROM telemetry_windows")).containsExactly("11520");
    }

    private static long sum(long[] counts) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return total;
    }
}

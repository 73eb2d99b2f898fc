package io.fogline.node.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.core.telemetry.LatencyHistogram;
import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.NodeEvent;
import io.fogline.core.telemetry.RequestCount;
import io.fogline.core.telemetry.TelemetryWindow;
import io.fogline.routing.RoutingParameters;
import io.fogline.routing.upstream.CircuitBreaker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetryRecorderTest {

    @TempDir
    Path repository;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T14:00:30Z"));
    private final List<TelemetryWindow> windows = new ArrayList<>();
    private final List<NodeEvent> events = new ArrayList<>();
    private final TelemetrySink sink = new TelemetrySink() {
        @Override
        public void window(TelemetryWindow window) {
            windows.add(window);
        }

        @Override
        public void event(NodeEvent event) {
            events.add(event);
        }
    };

    private TelemetryRecorder recorder() throws Exception {
        return new TelemetryRecorder(
                Duration.ofSeconds(60), clock, new ReferenceBins(Traffic.repositoryWithReference(repository)), sink);
    }

    @Test
    void countsRequestsByTierAndOutcomeInWindowsAlignedToTheClock() throws Exception {
        TelemetryRecorder recorder = recorder();
        recorder.requestSucceeded(Traffic.request(0.1f, 0.2f), 100, Traffic.local(0.7f, 0.2f, 0.1f), 2_000_000);
        recorder.requestSucceeded(
                Traffic.request(0.3f, 0.4f),
                120,
                Traffic.answer("fog", "max_probability_below", RoutingParameters.CACHE_MISS, 0.1f, 0.8f, 0.1f),
                40_000_000);
        recorder.requestSucceeded(
                Traffic.request(0.3f, 0.4f),
                120,
                Traffic.answer("fog", "max_probability_below", RoutingParameters.CACHE_EXACT, 0.1f, 0.8f, 0.1f),
                100_000);
        recorder.requestFailed(Traffic.MODEL, Traffic.VERSION, "invalid");
        recorder.requestFailed("", null, "not_found");
        recorder.requestCompleted(Traffic.MODEL, Traffic.VERSION, 500_000, null);
        recorder.tick(Map.of(Traffic.MODEL, 3));
        assertThat(windows).isEmpty();

        clock.advance(Duration.ofSeconds(30));
        recorder.tick(Map.of(Traffic.MODEL, 3));

        assertThat(windows).hasSize(1);
        TelemetryWindow window = windows.getFirst();
        assertThat(window.start()).isEqualTo("2026-11-23T14:00:00Z");
        assertThat(window.end()).isEqualTo("2026-11-23T14:01:00Z");
        ModelWindow model = window.models().getFirst();
        assertThat(model.requests())
                .containsExactlyInAnyOrder(
                        new RequestCount("local", "ok", 1),
                        new RequestCount("fog", "ok", 2),
                        new RequestCount("none", "invalid", 1));
        assertThat(model.escalations()).isEqualTo(Map.of("max_probability_below", 1L));
        assertThat(model.cacheHits()).isEqualTo(1);
        assertThat(model.bytesCloudOnly()).isEqualTo(340);
        assertThat(model.bytesUpstream()).isEqualTo(120);
        assertThat(model.queueDepthMax()).isEqualTo(3);
        assertThat(model.latencyMs().count()).isEqualTo(3);
        assertThat(model.latencyMs().quantileMs(0.99)).isBetween(40.0, 40.0 * 1.19);
        assertThat(model.queueMs().buckets()).containsOnlyKeys(LatencyHistogram.bucketOf(0.5));
        // Below 0.25: 0.1, 0.2; 0.25 to 0.5: 0.3 twice and 0.4 twice; nothing beyond.
        assertThat(model.inputs().get("x").counts()).containsExactly(0, 2, 4, 0, 0, 0);
        assertThat(model.classes()).containsExactly(1, 2, 0);
    }

    @Test
    void aNodeThatSleptStartsAfreshAtTheCurrentWindow() throws Exception {
        TelemetryRecorder recorder = recorder();
        recorder.requestSucceeded(Traffic.request(0.1f), 10, Traffic.local(0.9f, 0.1f), 1_000_000);
        clock.advance(Duration.ofHours(3));
        recorder.requestSucceeded(Traffic.request(0.1f), 10, Traffic.local(0.9f, 0.1f), 1_000_000);
        clock.advance(Duration.ofMinutes(1));
        recorder.tick(Map.of(Traffic.MODEL, 3));

        assertThat(windows)
                .extracting(TelemetryWindow::start)
                .containsExactly("2026-11-23T14:00:00Z", "2026-11-23T17:00:00Z");
        assertThat(windows).allMatch(window -> window.models().getFirst().requestTotal() == 1);
    }

    @Test
    void anOpeningBreakerIsAnEvent() throws Exception {
        TelemetryRecorder recorder = recorder();
        recorder.breakerChanged("fog", CircuitBreaker.State.HALF_OPEN);
        recorder.breakerChanged("fog", CircuitBreaker.State.OPEN);
        assertThat(events)
                .as("written by the tick, not by the breaker's thread")
                .isEmpty();
        recorder.tick(Map.of());

        assertThat(events).containsExactly(new NodeEvent("2026-11-23T14:00:30Z", "breaker_open", null, "fog", 1));
    }

    @Test
    void requestsFromManyThreadsAreAllCounted() throws Exception {
        TelemetryRecorder recorder = recorder();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50; i++) {
                    recorder.requestSucceeded(Traffic.request(0.1f), 10, Traffic.local(0.9f, 0.1f), 1_000_000);
                    recorder.requestFailed(Traffic.MODEL, Traffic.VERSION, "invalid");
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        clock.advance(Duration.ofSeconds(30));
        recorder.tick(Map.of());

        ModelWindow model = windows.getFirst().models().getFirst();
        assertThat(model.requests())
                .containsExactlyInAnyOrder(
                        new RequestCount("local", "ok", 400), new RequestCount("none", "invalid", 400));
        assertThat(model.inputs().get("x").count()).isEqualTo(400);
        assertThat(java.util.Arrays.stream(model.classes()).sum()).isEqualTo(400);
    }

    @Test
    void pastTheSamplesOfASecondOnlyCountsAndLatencyAreKept() throws Exception {
        TelemetryRecorder recorder = recorder();
        int requests = TelemetryRecorder.SAMPLES_PER_SECOND + 100;
        for (int i = 0; i < requests; i++) {
            recorder.requestSucceeded(Traffic.request(0.1f), 10, Traffic.local(0.9f, 0.1f), 1_000_000);
        }
        clock.advance(Duration.ofSeconds(1));
        recorder.requestSucceeded(Traffic.request(0.1f), 10, Traffic.local(0.9f, 0.1f), 1_000_000);
        clock.advance(Duration.ofSeconds(30));
        recorder.tick(Map.of());

        ModelWindow model = windows.getFirst().models().getFirst();
        assertThat(model.requestTotal()).isEqualTo(requests + 1);
        assertThat(model.latencyMs().count()).isEqualTo(requests + 1);
        assertThat(model.bytesCloudOnly()).isEqualTo(10L * (requests + 1));
        assertThat(model.inputs().get("x").count())
                .as("a new second samples afresh")
                .isEqualTo(TelemetryRecorder.SAMPLES_PER_SECOND + 1);
    }

    @Test
    void refusesAWindowThatIsNotWholeSeconds() {
        assertThatThrownBy(() ->
                        new TelemetryRecorder(Duration.ofMillis(1500), clock, new ReferenceBins(repository), sink))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a telemetry window must be a whole number of seconds, got PT1.5S");
    }
}

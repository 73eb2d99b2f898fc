package io.fogline.node.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.NodeEvent;
import io.fogline.core.telemetry.TelemetryBatch;
import io.fogline.core.telemetry.TelemetryJson;
import io.fogline.core.telemetry.TelemetryWindow;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {

    private static final int WEEK_MINUTES = 7 * 24 * 60;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-16T00:00:00Z"));

    /** Serves a week with the link down: 1 to 7 requests a minute, an opening breaker every day. */
    private long aWeekOffline(Outbox outbox) throws Exception {
        TelemetryRecorder recorder = new TelemetryRecorder(
                Duration.ofSeconds(60),
                clock,
                new ReferenceBins(Traffic.repositoryWithReference(dir.resolve("models"))),
                outbox);
        long requests = 0;
        for (int minute = 0; minute < WEEK_MINUTES; minute++) {
            for (int i = 0; i <= minute % 7; i++) {
                float x = (minute % 10) / 10f;
                recorder.requestSucceeded(Traffic.request(x, 1 - x), 64, Traffic.local(x, 1 - x), 1_000_000L * i);
                requests++;
            }
            if (minute % (24 * 60) == 0) {
                recorder.breakerChanged("fog", io.fogline.routing.upstream.CircuitBreaker.State.OPEN);
            }
            clock.advance(Duration.ofMinutes(1));
            recorder.tick(Map.of());
        }
        return requests;
    }

    /** What the control plane would receive: every batch, in order, after the link comes back. */
    private static List<byte[]> reconnect(Outbox outbox) throws IOException {
        List<byte[]> received = new ArrayList<>();
        int sent = new TelemetryUploader(outbox, (id, body) -> received.add(body)).drain(Integer.MAX_VALUE);
        assertThat(sent).isEqualTo(received.size());
        assertThat(outbox.nextBatch()).isEmpty();
        return received;
    }

    private static List<TelemetryBatch> batches(List<byte[]> bodies) {
        return bodies.stream()
                .map(body -> TelemetryJson.read(body, TelemetryBatch.class))
                .toList();
    }

    private static long requests(List<TelemetryBatch> batches) {
        return batches.stream()
                .flatMap(batch -> batch.windows().stream())
                .flatMap(window -> window.models().stream())
                .mapToLong(ModelWindow::requestTotal)
                .sum();
    }

    private static List<NodeEvent> events(List<TelemetryBatch> batches) {
        return batches.stream().flatMap(batch -> batch.events().stream()).toList();
    }

    @Test
    void aWeekOfflineMergesWindowsButLosesNoCountAndUploadsInBoundedBatches() throws Exception {
        long cap = 256 * 1024;
        int batchBytes = 16 * 1024;
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), cap, batchBytes, 1024)) {
            long served = aWeekOffline(outbox);
            long held = outbox.heldBytes();
            assertThat(held).isLessThanOrEqualTo(cap);

            List<byte[]> bodies = reconnect(outbox);

            assertThat(bodies).allMatch(body -> body.length <= batchBytes);
            assertThat(bodies.stream().mapToLong(body -> body.length).sum()).isLessThanOrEqualTo(cap);
            List<TelemetryBatch> batches = batches(bodies);
            assertThat(requests(batches)).isEqualTo(served);
            List<TelemetryWindow> windows =
                    batches.stream().flatMap(batch -> batch.windows().stream()).toList();
            assertThat(windows.stream().mapToLong(TelemetryWindow::seconds).sum())
                    .isEqualTo(WEEK_MINUTES * 60L);
            // Merging coarsens the oldest windows, never past the stated 1024 in one; it keeps the drift detail.
            assertThat(windows).allMatch(window -> window.seconds() <= 1024 * 60);
            assertThat(windows.size()).isLessThan(WEEK_MINUTES / 10);
            assertThat(windows.getLast().seconds()).isEqualTo(60);
            System.out.printf(
                    "outbox: a week offline, %d requests in %d windows: %d bytes held, sent as %d batches (%d bytes),"
                            + " %d windows after merging%n",
                    served,
                    WEEK_MINUTES,
                    held,
                    bodies.size(),
                    bodies.stream().mapToLong(body -> body.length).sum(),
                    windows.size());
            long classified = windows.stream()
                    .flatMap(window -> window.models().stream())
                    .mapToLong(model -> Arrays.stream(model.classes()).sum())
                    .sum();
            assertThat(classified).isEqualTo(served);
            assertThat(events(batches))
                    .extracting(NodeEvent::kind)
                    .containsOnly("breaker_open")
                    .hasSize(7);
        }
    }

    @Test
    void aCapTooSmallForAWeekDropsDetailThenTheOldestWindowsAndSaysHowManyRequests() throws Exception {
        long cap = 24 * 1024;
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), cap, 4096, 4)) {
            long served = aWeekOffline(outbox);

            List<TelemetryBatch> batches = batches(reconnect(outbox));

            List<NodeEvent> notices = events(batches).stream()
                    .filter(event -> event.kind().equals(NodeEvent.TELEMETRY_DROPPED))
                    .toList();
            long dropped = notices.stream().mapToLong(NodeEvent::count).sum();
            assertThat(dropped).isPositive();
            assertThat(notices.getFirst().detail()).isEqualTo("2026-11-16T00:00:00Z");
            assertThat(requests(batches) + dropped).isEqualTo(served);
            List<TelemetryWindow> kept =
                    batches.stream().flatMap(batch -> batch.windows().stream()).toList();
            // Detail goes from the oldest windows first: those that keep it are the newest.
            List<Boolean> detail = kept.stream().map(TelemetryWindow::hasDetail).toList();
            assertThat(detail).isSorted().contains(false);
            // Events are the last to go: every breaker event of the week is still there.
            assertThat(events(batches))
                    .filteredOn(event -> event.kind().equals("breaker_open"))
                    .hasSize(7);
        }
    }

    @Test
    void aBatchSentButNotAcknowledgedIsSentAgainWithTheSameIdAfterARestart() throws Exception {
        Path file = dir.resolve("outbox.db");
        List<String> delivered = new ArrayList<>();
        Outbox crashed = Outbox.open(file, 64 * 1024, 4096, 4);
        crashed.window(window("2026-11-16T00:00:00Z", "2026-11-16T00:01:00Z"));
        crashed.window(window("2026-11-16T00:01:00Z", "2026-11-16T00:02:00Z"));
        // The control plane stores the batch, then the node dies before it hears the acknowledgement.
        assertThatThrownBy(() -> new TelemetryUploader(crashed, (id, body) -> {
                            delivered.add(id);
                            throw new IOException("killed before the acknowledgement");
                        })
                        .drain(10))
                .isInstanceOf(IOException.class);
        // No close: the process is gone; a new one opens the same file.
        try (Outbox restarted = Outbox.open(file, 64 * 1024, 4096, 4)) {
            List<TelemetryBatch> resent = new ArrayList<>();
            new TelemetryUploader(restarted, (id, body) -> {
                        delivered.add(id);
                        resent.add(TelemetryJson.read(body, TelemetryBatch.class));
                    })
                    .drain(10);

            assertThat(delivered).hasSize(2).containsOnly(delivered.getFirst());
            assertThat(requests(resent)).isEqualTo(2);
            assertThat(restarted.nextBatch()).isEmpty();
            assertThat(restarted.heldBytes()).isZero();
        }
        crashed.close();
    }

    @Test
    void refusesACapThatCannotHoldFourBatches() {
        assertThatThrownBy(() -> Outbox.open(dir.resolve("outbox.db"), 10_000, 4096, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the outbox needs batches of at least 4096 bytes and a cap of at least four batches, got"
                        + " 4096 and 10000");
    }

    private static TelemetryWindow window(String start, String end) {
        return new TelemetryWindow(
                start,
                end,
                60,
                List.of(new ModelWindow(
                        Traffic.MODEL,
                        Traffic.VERSION,
                        List.of(new io.fogline.core.telemetry.RequestCount("local", "ok", 1)),
                        null,
                        null,
                        0,
                        null,
                        0,
                        0,
                        0,
                        64,
                        null,
                        null,
                        null)));
    }
}

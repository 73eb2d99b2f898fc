package io.fogline.node.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.NodeEvent;
import io.fogline.core.telemetry.TelemetryJson;
import io.fogline.core.telemetry.TelemetryWindow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldFiguresTest {

    private final List<TelemetryWindow> windows = new ArrayList<>();
    private final FieldFigures field = new FieldFigures(
            new TelemetrySink() {
                @Override
                public void window(TelemetryWindow window) {
                    windows.add(window);
                }

                @Override
                public void event(NodeEvent event) {}
            },
            null);

    private static ModelWindow served(String version) {
        return new ModelWindow("fashion", version, List.of(), null, null, 0, null, 0, 0, 0, 0, null, null, null);
    }

    private static TelemetryWindow window(int minute, ModelWindow... models) {
        Instant start = Instant.parse("2026-12-06T12:00:00Z").plusSeconds(60L * minute);
        return TelemetryWindow.of(start, start.plusSeconds(60), 60, List.of(models));
    }

    @Test
    void groundTruthCountsIntoTheWindowItArrivedInAgainstTheVersionThatAnswered() {
        field.groundTruth("fashion", "3", 2, 1);
        field.groundTruth("fashion", "3", 1, 1);
        field.groundTruth("fashion", "2", 4, 0);

        field.window(window(0, served("3")));
        field.window(window(1, served("3")));

        ModelWindow three = windows.get(0).models().get(0);
        assertThat(three.groundTruth()).isEqualTo(3);
        assertThat(three.correct()).isEqualTo(2);
        ModelWindow two = windows.get(0).models().get(1);
        assertThat(two.version())
                .as("a version that answered nothing this window")
                .isEqualTo("2");
        assertThat(two.groundTruth()).isEqualTo(4);
        assertThat(two.requestTotal()).isZero();
        assertThat(windows.get(1).models()).singleElement().satisfies(m -> assertThat(m.groundTruth())
                .isZero());
    }

    @Test
    void groundTruthAddsUpWhenWindowsMergeAndSurvivesTheWire() {
        field.groundTruth("fashion", "3", 5, 4);
        field.window(window(0, served("3")));
        field.groundTruth("fashion", "3", 2, 0);
        field.window(window(1, served("3")));

        TelemetryWindow merged = windows.get(0).merge(windows.get(1));
        TelemetryWindow read = TelemetryJson.read(TelemetryJson.write(merged), TelemetryWindow.class);

        assertThat(read.models()).singleElement().satisfies(m -> {
            assertThat(m.groundTruth()).isEqualTo(7);
            assertThat(m.correct()).isEqualTo(4);
        });
        String today = new String(TelemetryJson.write(served("3")), StandardCharsets.UTF_8);
        assertThat(today).contains(",\"ground_truth\":0,\"correct\":0");
        ModelWindow older = TelemetryJson.read(
                today.replace(",\"ground_truth\":0,\"correct\":0", "").getBytes(StandardCharsets.UTF_8),
                ModelWindow.class);
        assertThat(older.groundTruth())
                .as("a window from a node that predates ground truth")
                .isZero();
    }
}

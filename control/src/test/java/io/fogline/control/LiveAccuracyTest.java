package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.core.telemetry.ModelWindow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ground truth from the devices, counted in their telemetry, held against the bundle's reference accuracy: the site
 * whose model went wrong is alerted on, the others are not, and the health figures show both accuracies.
 */
class LiveAccuracyTest extends OnBothDatabases {

    private static final String REFERENCE = """
            {"samples": 100, "labelled": 100, "accuracy": 0.9, "inputs": {}, "outputs": {}}
            """;

    private SimulatedDevice berlin;
    private SimulatedDevice hamburg;

    @BeforeEach
    void start() {
        berlin = harness.enrol("cam-berlin", "cameras", Map.of("site", "berlin"));
        hamburg = harness.enrol("cam-hamburg", "cameras", Map.of("site", "hamburg"));
        harness.publish("fashion", 1, REFERENCE);
    }

    private static ModelWindow labelled(long groundTruth, long correct) {
        return TelemetryBatches.window(50, 0, 0, 2, null).withGroundTruth(groundTruth, correct);
    }

    private void minutes(int count, ModelWindow atBerlin, ModelWindow atHamburg) {
        for (int minute = 0; minute < count; minute++) {
            harness.clock.advance(Duration.ofMinutes(1));
            for (SimulatedDevice device : List.of(berlin, hamburg)) {
                Http.Answer sent = device.http.postBytes(
                        "/api/v1/devices/" + device.id + "/telemetry",
                        TelemetryBatches.batch(harness.clock.instant(), device == berlin ? atBerlin : atHamburg));
                assertThat(sent.status()).as(sent.text()).isEqualTo(200);
                device.poll();
            }
        }
        harness.control().heartbeats().flush();
        harness.control().monitor().evaluate();
    }

    private List<String> open(String kind) {
        return StreamSupport.stream(
                        harness.operator()
                                .get("/api/v1/alerts?state=open")
                                .json()
                                .spliterator(),
                        false)
                .filter(alert -> alert.path("kind").asText().equals(kind))
                .map(alert -> alert.path("subject").asText() + " "
                        + alert.path("message").asText())
                .sorted()
                .toList();
    }

    @Test
    void aSiteWhoseLiveAccuracyFallsBelowTheReferenceIsAlertedOnUntilItRecovers() {
        minutes(6, labelled(5, 3), labelled(5, 5));

        assertThat(open("accuracy_drop"))
                .containsExactly(
                        "device:cam-berlin:fashion:1 cam-berlin:fashion:1: live accuracy 0.600 (18 of 30 labelled"
                                + " answers right) is below the reference 0.900 by more than 0.050",
                        "fleet:fashion:1 fashion:1: live accuracy 0.800 (48 of 60 labelled answers right) is below"
                                + " the reference 0.900 by more than 0.050 across the fleet");
        JsonNode health = harness.operator().get("/api/v1/health?minutes=10").json();
        JsonNode berlinFigures = health.path("devices").get(0).path("figures");
        assertThat(berlinFigures.path("ground_truth").asLong()).isEqualTo(30);
        assertThat(berlinFigures.path("accuracy").asDouble()).isEqualTo(0.6);
        assertThat(berlinFigures.path("reference_accuracy").asDouble()).isEqualTo(0.9);
        assertThat(health.path("devices")
                        .get(1)
                        .path("figures")
                        .path("accuracy")
                        .asDouble())
                .isEqualTo(1.0);

        minutes(61, labelled(5, 5), labelled(5, 5));

        assertThat(open("accuracy_drop")).isEmpty();
    }

    @Test
    void tooLittleGroundTruthIsNotJudged() {
        minutes(3, labelled(5, 0), labelled(0, 0));

        assertThat(open("accuracy_drop"))
                .as("15 labels, fewer than the 20 judged")
                .isEmpty();
    }
}

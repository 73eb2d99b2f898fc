package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The device listing an operator pages through and filters by group and label, and the fleet's counts. */
class FleetListingTest extends OnBothDatabases {

    @BeforeEach
    void enrolAFleet() {
        for (int i = 0; i < 7; i++) {
            harness.enrol("cam-" + i, i < 4 ? "lobby" : "yard", Map.of("site", i % 2 == 0 ? "berlin" : "lyon"));
        }
    }

    private static List<String> ids(Http.Answer answer) {
        List<String> ids = new ArrayList<>();
        answer.json().forEach(device -> ids.add(device.path("id").asText()));
        return ids;
    }

    @Test
    void devicesComeAPageAtATimeWithTheTotalAndWhereTheNextPageIs() {
        Http.Answer first = harness.operator().get("/api/v1/devices?limit=3");
        assertThat(ids(first)).containsExactly("cam-0", "cam-1", "cam-2");
        assertThat(first.header("X-Total-Count")).isEqualTo("7");
        assertThat(first.header("Link")).isEqualTo("</api/v1/devices?limit=3&after=cam-2>; rel=\"next\"");

        Http.Answer second = harness.operator().get("/api/v1/devices?limit=3&after=cam-2");
        assertThat(ids(second)).containsExactly("cam-3", "cam-4", "cam-5");
        Http.Answer last = harness.operator().get("/api/v1/devices?limit=3&after=cam-5");
        assertThat(ids(last)).containsExactly("cam-6");
        assertThat(last.header("Link")).isNull();
    }

    @Test
    void devicesAreFilteredByGroupAndLabelInTheDatabase() {
        Http.Answer berlinLobby = harness.operator().get("/api/v1/devices?group=lobby&selector=site=berlin&limit=1");
        assertThat(ids(berlinLobby)).containsExactly("cam-0");
        assertThat(berlinLobby.header("X-Total-Count")).isEqualTo("2");
        assertThat(berlinLobby.header("Link"))
                .isEqualTo("</api/v1/devices?limit=1&group=lobby&selector=site%3Dberlin&after=cam-0>; rel=\"next\"");
        assertThat(ids(harness.operator().get("/api/v1/devices?group=lobby&selector=site%3Dberlin&after=cam-0")))
                .containsExactly("cam-2");

        harness.operator().patch("/api/v1/devices/cam-1", Map.of("labels", Map.of("site", "berlin")));
        assertThat(ids(harness.operator().get("/api/v1/devices?selector=site=berlin")))
                .containsExactly("cam-0", "cam-1", "cam-2", "cam-4", "cam-6");
    }

    @Test
    void badPagesAreRefused() {
        Http.Answer huge = harness.operator().get("/api/v1/devices?limit=5001");
        assertThat(huge.status()).isEqualTo(400);
        assertThat(huge.error()).isEqualTo("limit must be a whole number from 1 to 5000, got '5001'");
        assertThat(harness.operator().get("/api/v1/devices?selector=site").status())
                .isEqualTo(400);
        assertThat(harness.operator().get("/api/v1/devices?after=../x").status())
                .isEqualTo(400);
    }

    @Test
    void theFleetIsCountedPerRunningVersion() {
        SimulatedDevice camera = harness.enrol("cam-9", "yard", Map.of("site", "lyon"));
        camera.poll();
        camera.report(Map.of("status", "switched", "running", List.of(Map.of("model", "fashion", "version", 3))));

        JsonNode yard = harness.operator().get("/api/v1/fleet?group=yard").json();

        assertThat(yard.path("devices").asLong()).isEqualTo(4);
        assertThat(yard.path("online").asLong()).isEqualTo(1);
        assertThat(yard.path("updating").asLong()).isZero();
        assertThat(yard.path("running").toString()).isEqualTo("[{\"model\":\"fashion\",\"version\":3,\"devices\":1}]");
        assertThat(harness.operator()
                        .get("/api/v1/fleet?selector=site=berlin")
                        .json()
                        .path("devices")
                        .asLong())
                .isEqualTo(4);
    }
}

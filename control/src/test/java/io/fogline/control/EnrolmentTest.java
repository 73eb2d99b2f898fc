package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnrolmentTest extends OnBothDatabases {

    @Test
    void enrolmentGivesACredentialThatReadsOnlyItsOwnState() {
        SimulatedDevice camera = harness.enrol("cam-1", "cameras", Map.of("site", "berlin"));
        harness.enrol("cam-2", "cameras", Map.of());

        Http.Answer own = camera.http.get("/api/v1/devices/cam-1/desired");
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().path("poll_interval_seconds").asInt()).isEqualTo(30);
        assertThat(own.json().path("models").size()).isZero();

        Http.Answer other = camera.http.get("/api/v1/devices/cam-2/desired");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.error()).isEqualTo("device 'cam-1' cannot read the state of 'cam-2'");
        Http.Answer othersFeedback =
                camera.http.post("/api/v1/devices/cam-2/feedback", Map.of("seq", 1, "status", "loading"));
        assertThat(othersFeedback.status()).isEqualTo(403);
        assertThat(othersFeedback.error()).isEqualTo("only device 'cam-2' reports its feedback");
    }

    @Test
    void requestsWithoutAKnownCredentialAreUnauthorized() {
        harness.enrol("cam-1", "cameras", Map.of());
        Http.Answer missing = harness.anonymous().get("/api/v1/devices/cam-1/desired");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.error()).isEqualTo("missing 'Authorization: Bearer <credential>'");
        Http.Answer wrong = harness.anonymous().as("guessed").get("/api/v1/devices/cam-1/desired");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.error()).isEqualTo("unknown credential: neither the admin token nor a device's");
    }

    @Test
    void aDeviceCredentialDoesNotOpenOperatorEndpoints() {
        SimulatedDevice camera = harness.enrol("cam-1", "cameras", Map.of());
        for (String path : new String[] {"/api/v1/devices", "/api/v1/devices/cam-1", "/api/v1/rollouts"}) {
            Http.Answer answer = camera.http.get(path);
            assertThat(answer.status()).as(path).isEqualTo(403);
            assertThat(answer.error()).isEqualTo("operator endpoint: a device credential is not enough");
        }
    }

    @Test
    void onlyHashesOfCredentialsAndTokensAreStored() {
        String token = harness.issueToken("cameras");
        SimulatedDevice camera = harness.enrol("cam-1", "cameras", Map.of());
        assertThat(harness.column("SELECT credential_hash FROM devices"))
                .singleElement()
                .isNotEqualTo(camera.credential)
                .asString()
                .matches("[0-9a-f]{64}");
        assertThat(harness.column("SELECT token_hash FROM enrolment_tokens")).doesNotContain(token);
    }

    @Test
    void aTokenEnrolsOneDeviceUnlessIssuedForMoreAndNeverAnyNumber() {
        Http anonymous = harness.anonymous();
        String once = harness.operator()
                .post("/api/v1/enrolment-tokens", Map.of("group", "cameras"))
                .json()
                .path("token")
                .asText();
        assertThat(anonymous
                        .post("/api/v1/enrol", Map.of("token", once, "device_id", "cam-1"))
                        .status())
                .isEqualTo(201);
        assertThat(anonymous
                        .post("/api/v1/enrol", Map.of("token", once, "device_id", "cam-2"))
                        .status())
                .isEqualTo(401);

        Http.Answer twice = harness.operator().post("/api/v1/enrolment-tokens", Map.of("group", "cameras", "uses", 2));
        assertThat(twice.json().path("uses").asLong()).isEqualTo(2);
        for (String device : new String[] {"cam-2", "cam-3"}) {
            assertThat(anonymous
                            .post(
                                    "/api/v1/enrol",
                                    Map.of("token", twice.json().path("token").asText(), "device_id", device))
                            .status())
                    .isEqualTo(201);
        }
        Http.Answer unlimited =
                harness.operator().post("/api/v1/enrolment-tokens", Map.of("group", "cameras", "uses", 0));
        assertThat(unlimited.status()).isEqualTo(400);
        assertThat(unlimited.error()).isEqualTo("'uses' must be from 1 to 1000000, got 0");
    }

    @Test
    void unknownExpiredAndUsedUpTokensAreRefused() {
        Http anonymous = harness.anonymous();
        Http.Answer unknown = anonymous.post("/api/v1/enrol", Map.of("token", "made-up", "device_id", "cam-1"));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.error()).isEqualTo("unknown or expired enrolment token");

        Http.Answer issued = harness.operator()
                .post("/api/v1/enrolment-tokens", Map.of("group", "cameras", "ttl_seconds", 60, "uses", 1));
        String token = issued.json().path("token").asText();
        assertThat(anonymous
                        .post("/api/v1/enrol", Map.of("token", token, "device_id", "cam-1"))
                        .status())
                .isEqualTo(201);
        assertThat(anonymous
                        .post("/api/v1/enrol", Map.of("token", token, "device_id", "cam-2"))
                        .status())
                .as("used up")
                .isEqualTo(401);

        String shortLived = harness.operator()
                .post("/api/v1/enrolment-tokens", Map.of("ttl_seconds", 60))
                .json()
                .path("token")
                .asText();
        harness.clock.advance(Duration.ofSeconds(61));
        assertThat(anonymous
                        .post("/api/v1/enrol", Map.of("token", shortLived, "device_id", "cam-3"))
                        .status())
                .as("expired")
                .isEqualTo(401);
    }

    @Test
    void enrollingATakenDeviceIdIsAConflictAndBadIdsAreRefused() {
        harness.enrol("cam-1", "cameras", Map.of());
        String token = harness.issueToken("cameras");
        Http.Answer again = harness.anonymous().post("/api/v1/enrol", Map.of("token", token, "device_id", "cam-1"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).isEqualTo("device 'cam-1' is already enrolled");
        Http.Answer bad = harness.anonymous().post("/api/v1/enrol", Map.of("token", token, "device_id", "../x"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).isEqualTo("'device_id' must be 1 to 128 letters, digits, '.', '_' or '-', got '../x'");
    }

    @Test
    void devicesCarryTheirTokensGroupAndLabelsWhichTheOperatorCanChange() {
        String token = harness.operator()
                .post("/api/v1/enrolment-tokens", Map.of("group", "cameras", "labels", Map.of("site", "berlin")))
                .json()
                .path("token")
                .asText();
        harness.anonymous()
                .post("/api/v1/enrol", Map.of("token", token, "device_id", "cam-1", "labels", Map.of("camera", "v2")));
        Http.Answer device = harness.operator().get("/api/v1/devices/cam-1");
        assertThat(device.json().path("group").asText()).isEqualTo("cameras");
        assertThat(device.json().path("labels").toString()).isEqualTo("{\"camera\":\"v2\",\"site\":\"berlin\"}");

        harness.operator().patch("/api/v1/devices/cam-1", Map.of("group", "lobby", "labels", Map.of("site", "paris")));
        assertThat(harness.operator().get("/api/v1/devices?selector=site=paris").json())
                .singleElement()
                .satisfies(found -> assertThat(found.path("group").asText()).isEqualTo("lobby"));
        assertThat(harness.operator().get("/api/v1/devices?group=cameras").json())
                .isEmpty();
    }

    @Test
    void everyPollIsAHeartbeat() {
        SimulatedDevice camera = harness.enrol("cam-1", "cameras", Map.of());
        assertThat(harness.operator()
                        .get("/api/v1/devices/cam-1")
                        .json()
                        .path("online")
                        .asBoolean())
                .isFalse();
        camera.poll();
        long polledAt = harness.clock.millis();
        harness.tick();
        harness.clock.advance(Duration.ofSeconds(60));
        var seen = harness.operator().get("/api/v1/devices/cam-1").json();
        assertThat(seen.path("last_seen").asLong()).isEqualTo(polledAt);
        assertThat(seen.path("online").asBoolean()).isTrue();
        harness.clock.advance(Duration.ofSeconds(31));
        assertThat(harness.operator()
                        .get("/api/v1/devices/cam-1")
                        .json()
                        .path("online")
                        .asBoolean())
                .as("three polls missed")
                .isFalse();
    }
}

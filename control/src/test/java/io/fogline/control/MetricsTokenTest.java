package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} is open unless the control plane runs with a metrics token; then it asks for that token. */
class MetricsTokenTest {

    private ControlHarness harness;

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void metricsAreOpenWithoutAToken(@TempDir Path dir) {
        harness = new ControlHarness(TestStore.SQLITE, dir);

        Http.Answer scrape = harness.anonymous().get("/metrics");

        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.text()).contains("fogline_control_polls_total");
    }

    @Test
    void aMetricsTokenKeepsOutEveryoneWithoutIt(@TempDir Path dir) {
        harness = new ControlHarness(TestStore.SQLITE, dir);
        SimulatedDevice device = harness.enrol("cam-1", "cameras", Map.of());
        harness.restartWith(options -> options.withMetricsToken("scrape-me"));

        Http.Answer anonymous = harness.anonymous().get("/metrics");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.error()).isEqualTo("missing 'Authorization: Bearer <credential>'");
        Http.Answer wrong = harness.anonymous().as("guess").get("/metrics");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.error()).isEqualTo("wrong metrics token");
        assertThat(device.http.get("/metrics").status())
                .as("a device credential")
                .isEqualTo(401);

        assertThat(harness.anonymous().as("scrape-me").get("/metrics").status()).isEqualTo(200);
        assertThat(harness.operator().get("/metrics").status())
                .as("the admin token")
                .isEqualTo(200);
    }
}

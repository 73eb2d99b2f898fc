package io.fogline.control;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.fogline.core.telemetry.ModelWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in Debian's chromium, used as a person would: a real control plane on SQLite with its own timer,
 * devices enrolled and polling over real HTTP, and the page read and clicked through Playwright.
 */
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Where the page's picture goes; the README's docs/dashboard.png is one of these, copied. */
    private static final Path SCREENSHOT = Path.of(System.getProperty("dashboard.screenshot", "target/dashboard.png"));

    /** Reference statistics of input "x" for the bundle: half below 0.5, half above. */
    private static final String REFERENCE = """
            {"samples": 200, "inputs": {"x": {"datatype": "FP32", "count": 200, "mean": 0.5, "std": 0.29,
             "min": 0.0, "max": 1.0, "histogram": {"edges": [0.0, 0.5, 1.0], "counts": [100, 100]}}}, "outputs": {}}
            """;

    private ControlHarness harness;
    private Playwright playwright;
    private Browser browser;
    private Page page;
    private final List<String> pageErrors = new ArrayList<>();

    @BeforeAll
    static void chromiumIsInstalled() {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException("the dashboard's browser test drives " + CHROMIUM
                    + " (Debian's chromium), which is missing: run scripts/install-test-deps.sh as root");
        }
        PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
    }

    @BeforeEach
    void start(@TempDir Path dir) {
        harness = new ControlHarness(TestStore.SQLITE, dir, Clock.systemUTC(), Duration.ofMillis(200));
        playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(CHROMIUM)
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync")));
        page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1400, 1000));
        page.onPageError(pageErrors::add);
        page.onConsoleMessage(message -> {
            if (message.type().equals("error")) {
                pageErrors.add(message.text());
            }
        });
    }

    @AfterEach
    void stop() {
        try {
            if (playwright != null) {
                playwright.close();
            }
        } finally {
            harness.close();
        }
    }

    @Test
    void showsTheFleetFollowsItsTrafficAndPausesARollout() throws Exception {
        List<SimulatedDevice> devices = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            devices.add(harness.enrol("cam-" + i, "cameras", Map.of("site", i <= 3 ? "berlin" : "lyon")));
        }

        page.navigate(base() + "/?every=1");
        signIn("not-the-token");
        assertThat(page.getByRole(AriaRole.ALERT))
                .hasText("Sign in: unknown credential: neither the admin token nor a device's");
        assertThat(page.locator("#panels")).isHidden();
        assertThat(pageErrors)
                .as("chromium logs the one refused request (the page tries a new credential alone), nothing else")
                .singleElement()
                .asString()
                .contains("status of 401 (Unauthorized)");
        pageErrors.clear();
        signIn(ControlHarness.ADMIN_TOKEN);

        assertThat(page.locator("#devices tbody tr")).hasCount(6);
        assertThat(row("cam-4")).containsText("site=lyon");
        assertThat(page.locator("#devices-total")).hasText("6");
        assertThat(page.locator("#devices-online")).hasText("0");

        for (SimulatedDevice device : devices.subList(0, 5)) {
            device.poll();
        }
        assertThat(page.locator("#devices-online")).hasText("5");
        assertThat(page.locator("#devices-offline")).hasText("1");
        assertThat(row("cam-1").locator("td").nth(3)).containsText("online");
        assertThat(row("cam-6").locator("td").nth(3)).containsText("offline");

        harness.publish("fashion", 1, REFERENCE);
        showsTelemetryAsItArrivesAndAcknowledgesAnAlert(devices);

        long id = harness.startRollout(ControlHarness.rolloutSpec(
                1,
                Map.of("canary", "1", "factor", 2),
                Map.of(
                        "failure_threshold",
                        0.25,
                        "min_sample",
                        2,
                        "quality",
                        Map.of("golden_passed", true, "max_p95_ms", 50)),
                "rollback"));
        assertThat(page.getByTestId("rollout-state")).hasText("running");
        assertThat(page.locator("[data-wave]")).hasCount(3);
        assertThat(page.getByTestId("rollout-gates"))
                .containsText(
                        "Canary 1, then ×2 · on failure rollback · gates: success ≥ 100%, failure ≤ 25% of ≥ 2 ended,"
                                + " device timeout 1800 s, golden tests pass, p95 ≤ 50 ms");
        assertThat(wave(0)).containsText("canary · 1 device");
        assertThat(wave(0)).containsText("1 pending");

        SimulatedDevice canary = devices.getFirst();
        canary.switchTo(canary.desired("fashion"), SimulatedDevice.goodQuality());
        assertThat(wave(0).locator(".wave-result")).hasText("passed");
        assertThat(wave(0)).containsText("1 switched");
        assertThat(wave(1).locator(".wave-result")).hasText("running");
        assertThat(row("cam-1").locator("td.running")).hasText("fashion v1");
        assertThat(page.locator("[data-version='fashion v1']")).hasText("fashion v1: 1");

        page.locator("button[data-command=pause]").click();

        assertThat(page.getByTestId("rollout-state")).hasText("paused");
        assertThat(page.locator("button[data-command=resume]")).isVisible();
        JsonNode rollout = harness.rollout(id);
        assertThat(rollout.path("state").asText()).isEqualTo("paused");
        assertThat(rollout.path("waves").get(1).path("result").asText()).isEqualTo("running");

        Files.createDirectories(SCREENSHOT.toAbsolutePath().getParent());
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOT).setFullPage(true));
        assertThat(pageErrors).isEmpty();
    }

    @Test
    void drawsAFederatedJobsRoundsWithTheirParticipantsAndAccuracy(@TempDir Path dir) throws Exception {
        harness.restartWith(new LearnModels(harness.signingKey()));
        byte[] base = LearnModels.softmax(4, 3);
        Http.Answer published = harness.operator()
                .postBytes(
                        "/api/v1/bundles",
                        Files.readAllBytes(LearnModels.bundle(dir, "toy", 1, base, harness.signingKey())));
        org.assertj.core.api.Assertions.assertThat(published.status()).isEqualTo(201);
        List<SimulatedDevice> devices = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            SimulatedDevice device = harness.enrol("cam-" + i, "cameras", Map.of());
            device.optIn(20);
            devices.add(device);
        }
        Http.Answer started = harness.operator()
                .post(
                        "/api/v1/federated/jobs",
                        Map.of(
                                "id",
                                "fl-dash",
                                "model",
                                "toy",
                                "version",
                                1,
                                "target",
                                Map.of("group", "cameras"),
                                "rounds",
                                2,
                                "clients",
                                Map.of("minimum", 3)));
        org.assertj.core.api.Assertions.assertThat(started.status())
                .as(started.text())
                .isEqualTo(201);
        int dimension = io.fogline.learn.federated.GlobalModel.parameters(base).length;
        for (SimulatedDevice device : devices) {
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> device.federatedUpdate("fl-dash", 1, 20, new float[dimension])
                                    .status()
                            == 200);
        }

        page.navigate(base() + "/?every=1");
        signIn(ControlHarness.ADMIN_TOKEN);

        assertThat(page.getByTestId("federated-state")).hasText("running");
        assertThat(page.locator("#federated-job tr[data-round='1']")).containsText("aggregated");
        assertThat(page.locator("#federated-job tr[data-round='1']")).containsText("75.0%");
        assertThat(page.locator("#federated-job tr[data-round='2']")).containsText("open");
        assertThat(page.locator(".federated-chart rect.aggregated")).hasCount(2);
        assertThat(page.locator(".federated-chart circle.accuracy")).hasCount(1);
        assertThat(pageErrors).isEmpty();
    }

    @Test
    void countsAFleetInFullAndPagesAndFiltersItsDevices() {
        Http.Answer issued =
                harness.operator().post("/api/v1/enrolment-tokens", Map.of("group", "sensors", "uses", 205));
        String token = issued.json().path("token").asText();
        for (int i = 0; i < 205; i++) {
            Http.Answer enrolled = harness.anonymous()
                    .post("/api/v1/enrol", Map.of("token", token, "device_id", String.format("s-%03d", i)));
            assertThat(enrolled.status()).as(enrolled.text()).isEqualTo(201);
        }

        page.navigate(base() + "/dashboard/#token=" + ControlHarness.ADMIN_TOKEN);

        assertThat(page.locator("#devices-total")).hasText("205");
        assertThat(page.locator("#devices tbody tr")).hasCount(200);
        assertThat(page.locator("#devices tbody tr").last()).hasAttribute("data-device", "s-199");
        assertThat(page.locator("#devices-note")).hasText("Devices 1–200 of 205 by id.");
        assertThat(page).hasURL(base() + "/dashboard/");

        page.locator("#devices-next").click();
        assertThat(page.locator("#devices tbody tr")).hasCount(5);
        assertThat(page.locator("#devices tbody tr").first()).hasAttribute("data-device", "s-200");
        assertThat(page.locator("#devices-note")).hasText("Devices 201–205 of 205 by id.");
        assertThat(page.locator("#devices-next")).isDisabled();
        page.locator("#devices-previous").click();
        assertThat(page.locator("#devices tbody tr").first()).hasAttribute("data-device", "s-000");

        for (String device : List.of("s-007", "s-070", "s-204")) {
            harness.operator().patch("/api/v1/devices/" + device, Map.of("labels", Map.of("site", "berlin")));
        }
        page.locator("#filter-selector").fill("site=berlin");
        page.locator("#fleet-filter button").click();
        assertThat(page.locator("#devices tbody tr")).hasCount(3);
        assertThat(page.locator("#devices-total")).hasText("3");
        assertThat(page.locator("#devices-note")).hasText("Devices 1–3 of 3 by id.");
        page.locator("#filter-group").fill("elsewhere");
        page.locator("#fleet-filter button").click();
        assertThat(page.locator("#devices-total")).hasText("0");
        assertThat(page.locator("#devices-note")).hasText("No device matches.");
        assertThat(pageErrors).isEmpty();
    }

    /** cam-1 serves as the bundle expects; cam-2's inputs shift, its latency and errors rise. */
    private void showsTelemetryAsItArrivesAndAcknowledgesAnAlert(List<SimulatedDevice> devices) {
        Instant now = Instant.now();
        long[] expected = {0, 100, 100, 0};
        send(devices.get(0), now.minusSeconds(60), TelemetryBatches.window(100, 0, 10, 5, expected));
        assertThat(model("fashion v1").locator(".requests")).hasText("100");
        assertThat(model("fashion v1").locator(".escalation")).hasText("10.0%");

        send(devices.get(0), now, TelemetryBatches.window(300, 0, 60, 5, expected));
        assertThat(model("fashion v1").locator(".requests")).hasText("400");
        assertThat(model("fashion v1").locator(".escalation")).hasText("17.5%");
        assertThat(page.locator("#requests-chart .u-legend")).containsText("fashion v1");

        send(devices.get(1), now, TelemetryBatches.window(90, 10, 50, 400, new long[] {0, 20, 120, 60}));
        harness.control().monitor().evaluate();
        assertThat(model("fashion v1").locator(".requests")).hasText("500");
        assertThat(page.locator("#drift tbody tr").first()).hasAttribute("data-drift", "cam-2");
        assertThat(page.locator("[data-drift='cam-2']")).containsText("drift alert");
        assertThat(page.locator("[data-drift='cam-1'] td").last()).hasText("ok");
        Locator drift =
                page.locator("#alerts tr[data-kind='drift']").filter(new Locator.FilterOptions().setHasText("cam-2"));
        assertThat(drift.locator(".alert-state")).hasText("open");

        drift.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Acknowledge"))
                .click();

        assertThat(drift.locator(".alert-state")).hasText("acknowledged");
        long alert = Long.parseLong(drift.getAttribute("data-alert"));
        JsonNode alerts = harness.operator().get("/api/v1/alerts").json();
        for (JsonNode listed : alerts) {
            if (listed.path("id").asLong() == alert) {
                assertThat(listed.path("state").asText()).isEqualTo("acknowledged");
                assertThat(listed.path("device_id").asText()).isEqualTo("cam-2");
            }
        }
        assertThat(alerts.findValuesAsText("id")).contains(String.valueOf(alert));
    }

    private void send(SimulatedDevice device, Instant end, ModelWindow window) {
        Http.Answer answer = device.http.postBytes(
                "/api/v1/devices/" + device.id + "/telemetry", TelemetryBatches.batch(end, window));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    }

    private Locator model(String version) {
        return page.locator("#models tr[data-model='" + version + "']");
    }

    private void signIn(String token) {
        page.getByLabel("Admin token").fill(token);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                .click();
    }

    private Locator row(String device) {
        return page.locator("#devices tr[data-device='" + device + "']");
    }

    private Locator wave(int wave) {
        return page.locator("[data-wave='" + wave + "']");
    }

    private String base() {
        return "http://127.0.0.1:" + harness.control().port();
    }
}

package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's files as the control plane serves them: to anyone, typed, revalidated by ETag. */
class DashboardServingTest {

    private ControlHarness harness;

    @BeforeEach
    void start(@TempDir Path dir) {
        harness = new ControlHarness(TestStore.SQLITE, dir);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void rootAndBareDashboardRedirectToThePage() {
        for (String path : new String[] {"/", "/dashboard"}) {
            Http.Answer answer = harness.anonymous().get(path);
            assertThat(answer.status()).as(path).isEqualTo(302);
            assertThat(answer.header("Location")).as(path).isEqualTo("/dashboard/");
        }
    }

    @Test
    void servesThePageWithoutATokenAndOnlyFromItself() {
        Http.Answer page = harness.anonymous().get("/dashboard/");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(page.header("Content-Security-Policy")).startsWith("default-src 'self';");
        assertThat(page.text()).contains("<script type=\"module\" src=\"app.js\"></script>");
        assertThat(harness.anonymous().get("/api/v1/devices").status()).isEqualTo(401);
    }

    @Test
    void servesScriptsStylesAndTheChartLibraryWithTheirTypes() {
        Map<String, String> types = Map.of(
                "/dashboard/app.js", "text/javascript; charset=utf-8",
                "/dashboard/uPlot.esm.js", "text/javascript; charset=utf-8",
                "/dashboard/dashboard.css", "text/css; charset=utf-8",
                "/dashboard/uPlot.min.css", "text/css; charset=utf-8");
        types.forEach((path, type) -> {
            Http.Answer answer = harness.anonymous().get(path);
            assertThat(answer.status()).as(path).isEqualTo(200);
            assertThat(answer.header("Content-Type")).as(path).isEqualTo(type);
            assertThat(answer.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
        });
        assertThat(harness.anonymous().get("/dashboard/uPlot.esm.js").text()).contains("export { uPlot as default }");
    }

    @Test
    void answersNotModifiedWhileTheFileIsUnchanged() {
        String etag = harness.anonymous().get("/dashboard/app.js").header("ETag");

        Http.Answer again = harness.anonymous().get("/dashboard/app.js", Map.of("If-None-Match", etag));
        Http.Answer other = harness.anonymous().get("/dashboard/app.js", Map.of("If-None-Match", "\"other\""));

        assertThat(etag).matches("\"[0-9a-f]{32}\"");
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(other.status()).isEqualTo(200);
    }

    @Test
    void refusesUnknownFilesAndOtherMethods() {
        Http.Answer missing = harness.anonymous().get("/dashboard/nope.js");
        Http.Answer post = harness.anonymous().post("/dashboard/", Map.of());

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).isEqualTo("no dashboard file 'nope.js'");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET");
    }
}

package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoglineCommandTest {

    @TempDir
    Path models;

    @TempDir
    Path fleet;

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void theDemoServesRealModelsAndShowsThemWork() {
        CommandRun demo = run(
                "demo",
                "--exit",
                "--http-port",
                "0",
                "--control-port",
                "0",
                "--models",
                models.toString(),
                "--demo-dir",
                fleet.resolve("demo").toString());
        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(demo.out())
                .contains("[4/4] paddleocr-det")
                .containsPattern("node ready at http://127.0.0.1:[0-9]+ in [0-9]+ ms")
                .containsPattern("the model's text core at x=1[0-9][0-9]\\.\\.[45][0-9][0-9]")
                .containsPattern("cosine \\[0]~\\[1] 0\\.[3-9][0-9]* \\(same meaning")
                .containsPattern("speech probability: silence 0\\.0[0-9], voiced tone")
                .containsPattern("[0-9]+ requests, [0-9]+ req/s")
                .contains("3 nodes enrolled in group 'demo'")
                .containsPattern("published fashion v2: bundle [0-9a-f]{16}…, signed by ed25519:[0-9a-f]{16}")
                .containsPattern("passed, 1 switched \\| wave 2 \\(2 nodes\\): passed, 2 switched")
                .containsPattern("rollout completed in [0-9.]+ s; meanwhile clients got answers from .*; 0 failed")
                .containsPattern("node on port [0-9]+ answers with fashion v2: [0-9]+ of 200 test images right")
                .containsPattern("Dashboard: http://127\\.0\\.0\\.1:[0-9]+/");
    }

    @Test
    void theDemoLeavesADirectoryItDidNotWriteAlone() throws Exception {
        Path mine = Files.createDirectories(fleet.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep me");

        CommandRun demo = run("demo", "--exit", "--demo-dir", mine.toString());

        assertThat(demo.exitCode()).isEqualTo(2);
        assertThat(demo.err())
                .isEqualTo("fogline: --demo-dir " + mine + " holds files an earlier demo did not write; the demo"
                        + " empties its directory, so give it a new or empty one" + System.lineSeparator());
        assertThat(mine.resolve("notes.txt")).hasContent("keep me");
    }

    @Test
    void theSimulatorRefusesSettingsItCannotRun() {
        CommandRun sim = run("sim", "--devices", "0", "--factor", "1", "--connections", "0");
        assertThat(sim.exitCode()).isEqualTo(2);
        assertThat(sim.err())
                .isEqualTo("fogline: --devices must be at least 1, got 0; --connections must be at least 1, got 0;"
                        + " --factor must be above 1, got 1.0" + System.lineSeparator());
    }

    @Test
    void fetchingAnUnknownModelNamesTheKnownOnes() {
        CommandRun fetch = run("models", "fetch", "--dest", models.toString(), "no-such-model");
        assertThat(fetch.exitCode()).isEqualTo(2);
        assertThat(fetch.err()).contains("no-such-model").contains("minilm, minilm-int8, silero-vad");
    }

    @Test
    void theNodeRequiresAModelRepository() {
        CommandRun node = run("node");
        assertThat(node.exitCode()).isEqualTo(2);
        assertThat(node.err()).contains("--model-repository or --data-dir is required");
    }

    @Test
    void theCascadeBenchmarkRefusesSettingsItCannotRun() {
        CommandRun bench = run("bench", "cascade", "--launcher", "fogline", "--samples", "0");
        assertThat(bench.exitCode()).isEqualTo(2);
        assertThat(bench.err())
                .isEqualTo("fogline: --thresholds must name one value or more, --samples and --concurrency must be at"
                        + " least 1, --delay-ms must not be negative" + System.lineSeparator());
    }
}

package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoglineCommandTest {

    @TempDir
    Path models;

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void theDemoServesRealModelsAndShowsThemWork() {
        CommandRun demo = run("demo", "--exit", "--http-port", "0", "--models", models.toString());
        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(demo.out())
                .contains("[4/4] paddleocr-det")
                .containsPattern("node ready at http://127.0.0.1:[0-9]+ in [0-9]+ ms")
                .containsPattern("the model's text core at x=1[0-9][0-9]\\.\\.[45][0-9][0-9]")
                .containsPattern("cosine \\[0]~\\[1] 0\\.[3-9][0-9]* \\(same meaning")
                .containsPattern("speech probability: silence 0\\.0[0-9], voiced tone")
                .containsPattern("[0-9]+ requests, [0-9]+ req/s");
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

package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FederatedBenchCommandTest {

    @TempDir
    Path work;

    @Test
    void aTinyRunPrintsItsRoundsAndWritesTheReportAndChartWhereAsked() throws Exception {
        Path report = work.resolve("new/folder/benchmarks.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, "# Benchmarks\n\n## Serving (issue 2)\n\nkept\n");
        Path chart = work.resolve("other/folder/federated.png");

        CommandRun run = CommandRun.of(tiny(
                "--rounds",
                "2",
                "--scenarios",
                "iid,memory",
                "--memory-updates",
                "6",
                "--report",
                report.toString(),
                "--chart",
                chart.toString()));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .containsPattern("\\[IID] fedavg  round  1/2  accuracy [0-9.]+%  upload 0\\.08 MB  accepted 3")
                .containsPattern("\\[memory] multi-krum:1:3: [0-9.]+ s, [0-9.]+ MB of heap allocated")
                .containsPattern("final accuracy [0-9]{2}\\.[0-9]{2}%\n$");
        assertThat(Files.readString(report))
                .startsWith("# Benchmarks\n\n## Serving (issue 2)\n\nkept\n\n## Federated learning (issue 13)\n")
                .contains("| IID | `fedavg` | fp32 |")
                .contains("| `multi-krum:1:3` |");
        assertThat(Files.size(chart)).isPositive();
        assertThat(work.resolve("work/memory-updates.f32")).doesNotExist();
    }

    @Test
    void aRunWithReportNoneWritesTheChartAndNoReportFile() throws Exception {
        Path chart = work.resolve("federated.png");

        CommandRun run = CommandRun.of(
                tiny("--rounds", "1", "--scenarios", "iid", "--report", "none", "--chart", chart.toString()));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("wrote " + chart + "\n").doesNotContain("wrote none");
        assertThat(Files.size(chart)).isPositive();
        assertThat(Path.of("none")).doesNotExist();
        assertThat(work.resolve("none")).doesNotExist();
    }

    /** The arguments of a run small enough for a test: 3 clients of an 8-unit MLP, and {@code settings}. */
    private String[] tiny(String... settings) {
        List<String> args = new ArrayList<>(List.of(
                "bench",
                "federated",
                "--model",
                "mlp:8",
                "--clients",
                "3",
                "--work",
                work.resolve("work").toString()));
        args.addAll(List.of(settings));
        return args.toArray(String[]::new);
    }

    @Test
    void runsAppendedFromSeparateInvocationsFormOneOrderedTableAndOtherSettingsAreRefused() throws Exception {
        Path report = work.resolve("benchmarks.md");
        Path chart = work.resolve("federated.png");
        List<String> common = List.of(tiny("--report", report.toString(), "--chart", chart.toString(), "--append"));

        CommandRun flips = CommandRun.of(with(
                common, "--rounds", "2", "--scenarios", "custom", "--attack", "sign-flip:6", "--strategies", "median"));
        CommandRun iid = CommandRun.of(with(common, "--rounds", "2", "--scenarios", "iid"));
        CommandRun iidAgain = CommandRun.of(with(common, "--rounds", "2", "--scenarios", "iid"));
        Files.delete(report);
        CommandRun rewrite = CommandRun.of(with(common, "--rounds", "2", "--scenarios", "iid", "--rewrite"));
        CommandRun otherRounds = CommandRun.of(with(common, "--rounds", "3", "--scenarios", "iid"));

        assertThat(flips.exitCode()).as(flips.err()).isZero();
        assertThat(iid.exitCode()).as(iid.err()).isZero();
        assertThat(iidAgain.exitCode()).as(iidAgain.err()).isZero();
        assertThat(rewrite.exitCode()).as(rewrite.err()).isZero();
        assertThat(rewrite.out()).doesNotContain("round");
        String section = Files.readString(report);
        assertThat(section)
                .contains("--scenarios custom,iid`")
                .contains("by 3 invocations with `--append`")
                .containsPattern(
                        "\\| IID, 20% sign flipping ×6, median: within 2 points of the clean run \\([0-9.]+%\\)")
                .containsSubsequence("| IID | `fedavg` | fp32 |", "| IID, 20% sign flipping ×6 | `median` | fp32 |");
        assertThat(section.split("\\| IID \\| `fedavg` \\| fp32 \\|", -1))
                .as("the IID run measured again replaces the first")
                .hasSize(2);
        assertThat(otherRounds.exitCode()).isEqualTo(2);
        assertThat(otherRounds.err())
                .startsWith("fogline: --append: " + work.resolve("work").resolve("results.json")
                        + " holds results of other settings (model mlp:8, 3 clients, 2 rounds,")
                .endsWith("\n")
                .hasLineCount(1);
    }

    private static String[] with(List<String> common, String... more) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void aMistypedOptionIsOneLineBeforeAnyTraining() {
        CommandRun unknownScenario = CommandRun.of("bench", "federated", "--scenarios", "iid,cloud");
        CommandRun unknownStrategy =
                CommandRun.of("bench", "federated", "--scenarios", "custom", "--strategies", "fedavg,bulyan");

        assertThat(unknownScenario.exitCode()).isEqualTo(2);
        assertThat(unknownScenario.err())
                .isEqualTo("fogline: unknown scenario 'cloud': expected one or more of central, iid, shards, dirichlet,"
                        + " sign-flip, label-flip, gaussian, compression, memory, custom\n");
        assertThat(unknownStrategy.exitCode()).isEqualTo(2);
        assertThat(unknownStrategy.err()).startsWith("fogline: unknown aggregation rule 'bulyan': expected fedavg,");
    }
}

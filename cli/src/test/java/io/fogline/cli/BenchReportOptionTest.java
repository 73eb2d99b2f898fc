package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class BenchReportOptionTest {

    @Test
    void everyBenchmarkWithAReportTakesNoneForNoReportFileAndSaysSo() {
        Map<String, CommandLine> benchmarks =
                Fogline.commandLine().getSubcommands().get("bench").getSubcommands();
        List<String> withReport = benchmarks.entrySet().stream()
                .filter(entry -> entry.getValue().getCommandSpec().findOption("--report") != null)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();

        assertThat(withReport)
                .containsExactly("cascade", "delta", "federated", "loop", "serving", "train-beside-serving");
        for (String name : withReport) {
            OptionSpec report = benchmarks.get(name).getCommandSpec().findOption("--report");
            assertThat(String.join(" ", report.description())).as(name).contains("none:");

            Object parsed = Fogline.commandLine()
                    .parseArgs("bench", name, "--report", "none")
                    .subcommand()
                    .subcommand()
                    .matchedOptionValue("--report", (Object) "unparsed");

            assertThat(parsed).as(name).isNotEqualTo(Path.of("none")).isNotEqualTo("unparsed");
        }
    }
}

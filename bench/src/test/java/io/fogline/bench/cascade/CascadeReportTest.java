package io.fogline.bench.cascade;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CascadeReportTest {

    @TempDir
    Path out;

    @Test
    void eachRowIsOnDiskAsSoonAsItIsMeasured() throws IOException {
        Path rows = out.resolve("cascade.csv");
        CascadeReport.startRows(rows);
        CascadeReport.appendRow(rows, new Measurement("edge model alone", Double.NaN, 2000, 0.87, 0, 0, 1.5, 1.2, 4.0));

        assertThat(Files.readAllLines(rows))
                .containsExactly(
                        "setup,threshold,answered_at_edge,accuracy,mean_ms,p50_ms,p99_ms,requests,degraded",
                        "\"edge model alone\",,1.0000,0.8700,1.500,1.200,4.000,2000,0");

        CascadeReport.appendRow(rows, new Measurement("cascade", 0.7, 2000, 0.9, 0.12, 1, 19.25, 1.3, 160.5));

        assertThat(Files.readAllLines(rows))
                .hasSize(3)
                .last()
                .isEqualTo("\"cascade\",0.700,0.8800,0.9000,19.250,1.300,160.500,2000,1");
    }

    @Test
    void aNewRunStartsTheRowsAfresh() throws IOException {
        Path rows = out.resolve("cascade.csv");
        Files.writeString(rows, "old rows\n");

        CascadeReport.startRows(rows);

        assertThat(Files.readAllLines(rows)).hasSize(1).first().asString().startsWith("setup,");
    }

    @Test
    void theVerdictAllowsTheCascadeThePointsBelowTheParentThatTheTargetGives() {
        Measurement parent = new Measurement("big model alone", Double.NaN, 2000, 0.927, 1, 0, 158, 155, 215);
        Measurement cascade = new Measurement("cascade", 0.6, 2000, 0.925, 0.18, 0, 21.5, 1.2, 170);
        CascadeBenchmark.Result result = new CascadeBenchmark.Result(null, parent, parent, parent, List.of(cascade));

        assertThat(CascadeReport.verdict(result, new CascadeOptions.Target(0.3, 0.8)))
                .startsWith("**Target met** (accuracy ≥ the big model's 92.70% − 0.3 = 92.40%, ≥ 80% answered at the"
                        + " edge, mean < 25 ms): at threshold 0.600 the cascade reaches 92.50% with 82.0% answered");
        assertThat(CascadeReport.verdict(result, new CascadeOptions.Target(0, 0.8)))
                .startsWith("**Target not met**");
        assertThat(CascadeReport.verdict(result, new CascadeOptions.Target(0.3, 0.85)))
                .startsWith("**Target not met**");
    }
}

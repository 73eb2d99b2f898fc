package io.fogline.bench.federated;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.bench.report.Pixels;
import io.fogline.core.federated.UpdateEncoding;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FederatedChartTest {

    @TempDir
    Path dir;

    private static RunResult run(String scenario, String strategy, double from, double to) {
        Experiment experiment = new Experiment(
                scenario,
                Partition.parse("iid"),
                Attack.parse("none"),
                0,
                Strategy.parse(strategy),
                UpdateEncoding.fp32());
        List<RoundRecord> rounds = IntStream.rangeClosed(1, 10)
                .mapToObj(round -> new RoundRecord(round, from + (to - from) * round / 10, 1000, 6, "none", 1))
                .toList();
        return new RunResult(experiment, rounds, 10);
    }

    @Test
    void eachScenarioIsAPanelWithALinePerRunAndTheCentralPeer() throws IOException {
        FederatedBenchmark.Results results = new FederatedBenchmark.Results(
                "test",
                null,
                new FederatedBenchmark.Central(List.of(0.8, 0.85), 1),
                List.of(
                        run("IID", "fedavg", 0.6, 0.84),
                        run("IID", "fedprox:0.01", 0.55, 0.83),
                        run("non-IID", "fedavg", 0.5, 0.78)),
                null);
        Path file = dir.resolve("federated.png");

        FederatedChart.draw(results, file);

        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).as("two scenarios side by side").isEqualTo(1040);
        assertThat(Pixels.of(image, new Color(0x1f77b4)))
                .as("each panel's first run")
                .isGreaterThan(200);
        assertThat(Pixels.of(image, new Color(0xd62728)))
                .as("the IID panel's second run")
                .isGreaterThan(100);
    }
}

package io.fogline.bench.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.bench.report.Pixels;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopReportTest {

    @TempDir
    Path dir;

    private static LoopBenchmark.Site site(String name, long escalatedBefore, long escalatedAfter) {
        return new LoopBenchmark.Site(
                name,
                new int[] {0, 1},
                new LoopBenchmark.Phase("1", 1000, escalatedBefore, 100, 80),
                new LoopBenchmark.Phase("2", 1000, escalatedAfter, 100, 90),
                300,
                0.8,
                0.9,
                0.5,
                0.92,
                0.92,
                0.85,
                0.91);
    }

    @Test
    void eachSiteAndTheFleetGetABarBeforeAndAfterInBothPanels() throws IOException {
        LoopBenchmark.Result result = new LoopBenchmark.Result(
                null,
                "0.1",
                null,
                0.92,
                0.8,
                List.of(0.8, 0.85),
                List.of(site("north", 400, 200), site("south", 300, 250)),
                Duration.ofMinutes(1));
        Path file = dir.resolve("loop.png");

        LoopReport.draw(result, file);

        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).isEqualTo(1040);
        assertThat(image.getHeight()).isEqualTo(410);
        // Three "after" bars in each panel: escalation rates of 20 %, 25 % and 22.5 %, accuracy 90 % three times.
        assertThat(Pixels.of(image, new Color(0x1f77b4)))
                .as("pixels of the after bars")
                .isGreaterThan(20_000);
    }
}

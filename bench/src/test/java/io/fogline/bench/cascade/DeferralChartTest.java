package io.fogline.bench.cascade;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.bench.report.Pixels;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeferralChartTest {

    @TempDir
    Path dir;

    private static Measurement point(double threshold, double accuracy, double escalated, double mean, double p99) {
        return new Measurement("cascade", threshold, 1000, accuracy, escalated, 0, mean, mean, p99);
    }

    @Test
    void theCurveAndBothModelsAloneAreDrawnSideBySide() throws IOException {
        CascadeBenchmark.Result result = new CascadeBenchmark.Result(
                null,
                point(0, 0.92, 1, 120, 300),
                point(0, 0.92, 1, 2, 4),
                point(0, 0.88, 0, 0.1, 0.3),
                List.of(
                        point(0.6, 0.915, 0.3, 40, 280),
                        point(0.2, 0.9, 0.1, 14, 250),
                        point(0.4, 0.91, 0.2, 27, 270)));
        Path file = dir.resolve("deferral.png");

        DeferralChart.draw(result, file);

        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).isEqualTo(1040);
        assertThat(image.getHeight()).isEqualTo(420);
        assertThat(Pixels.of(image, new Color(0x1f77b4)))
                .as("pixels of the cascade's colour")
                .isGreaterThan(200);
    }
}

package io.fogline.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {

    @TempDir
    Path dir;

    private static final Chart.Plot PLOT = new Chart.Plot(50, 40, 200, 100, 0, 10, 0, 1);

    @Test
    void thePlotMapsItsRangesOntoItsAreaWithYGrowingUpwards() {
        assertThat(PLOT.x(0)).isEqualTo(50);
        assertThat(PLOT.x(10)).isEqualTo(250);
        assertThat(PLOT.x(5)).isEqualTo(150);
        assertThat(PLOT.y(0)).isEqualTo(140);
        assertThat(PLOT.y(1)).isEqualTo(40);
        assertThat(PLOT.y(0.25)).isEqualTo(115);
    }

    @Test
    void aFigureIsAPngOfItsSizeWithWhatWasDrawnWhereThePlotPutsIt() throws IOException {
        Color line = Chart.PALETTE.get(1);
        Path file = dir.resolve("figures/chart.png");

        Chart.write(file, 300, 220, g -> {
            PLOT.frame(g, "title");
            PLOT.yTick(g, 0.5, "50");
            PLOT.polyline(g, new double[] {0, 10}, new double[] {0.25, 0.25}, line, Chart.SOLID);
            PLOT.level(g, 2, Color.GRAY, "outside the range, not drawn");
            PLOT.legend(g, 40, List.of("series"), List.of(line));
        });

        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).isEqualTo(300);
        assertThat(image.getHeight()).isEqualTo(220);
        assertThat(new Color(image.getRGB(150, 115))).as("the line at y = 0.25").isEqualTo(line);
        assertThat(new Color(image.getRGB(50, 90))).as("the frame's left edge").isEqualTo(Color.BLACK);
        assertThat(new Color(image.getRGB(5, 5))).as("the background").isEqualTo(Color.WHITE);
        assertThat(new Color(image.getRGB(55, 176))).as("the legend's swatch").isEqualTo(line);
    }
}

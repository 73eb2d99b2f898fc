package io.fogline.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A figure for a benchmark report, drawn with plain Java2D so that it needs nothing beyond the JDK, and the plot area
 * its panels share: a framed area under a title, grid lines with their labels, axis titles, lines and a legend.
 */
public final class Chart {

    /** Colours for a figure's series, in order; the first three also mark "ours", "the big one" and "the small one". */
    public static final List<Color> PALETTE = List.of(
            new Color(0x1f77b4),
            new Color(0xd62728),
            new Color(0x2ca02c),
            new Color(0xff7f0e),
            new Color(0x9467bd),
            new Color(0x8c564b),
            new Color(0xe377c2),
            new Color(0x17becf));

    public static final Stroke SOLID = new BasicStroke(2f);
    public static final Stroke DASHED =
            new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0);

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Color GRID = new Color(0xeeeeee);
    private static final int LEGEND_LINE = 15;

    private Chart() {}

    /** What draws a figure, on a white, antialiased canvas with the label font set. */
    @FunctionalInterface
    public interface Drawing {
        void draw(Graphics2D g);
    }

    /** Draws a {@code width} × {@code height} figure and writes it to {@code file} as PNG, creating its folder. */
    public static void write(Path file, int width, int height, Drawing drawing) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(LABEL);
            drawing.draw(g);
        } finally {
            g.dispose();
        }
        Path folder = file.toAbsolutePath().getParent();
        if (folder != null) {
            Files.createDirectories(folder);
        }
        ImageIO.write(image, "png", file.toFile());
    }

    /** The height a legend of {@code lines} entries takes. */
    public static int legendHeight(int lines) {
        return lines * LEGEND_LINE;
    }

    /**
     * A panel's plot area: where its frame lies in the panel, and the ranges of the data that map onto it, y growing
     * upwards.
     */
    public record Plot(int left, int top, int width, int height, double xMin, double xMax, double yMin, double yMax) {

        public int x(double value) {
            return (int) Math.round(left + (value - xMin) / (xMax - xMin) * width);
        }

        public int y(double value) {
            return (int) Math.round(top + height - (value - yMin) / (yMax - yMin) * height);
        }

        public int right() {
            return left + width;
        }

        public int bottom() {
            return top + height;
        }

        /** The title above the area and the frame around it. */
        public void frame(Graphics2D g, String title) {
            g.setColor(Color.BLACK);
            g.setFont(TITLE);
            g.drawString(title, left, top - 16);
            g.setFont(LABEL);
            g.drawRect(left, top, width, height);
        }

        /** A vertical grid line at {@code value}, labelled under the area; on the frame, only the label. */
        public void xTick(Graphics2D g, double value, String label) {
            g.setColor(GRID);
            if (x(value) > left && x(value) < right()) {
                g.drawLine(x(value), top + 1, x(value), bottom() - 1);
            }
            g.setColor(Color.BLACK);
            g.drawString(label, x(value) - g.getFontMetrics().stringWidth(label) / 2, bottom() + 16);
        }

        /** A horizontal grid line at {@code value}, labelled left of the area; on the frame, only the label. */
        public void yTick(Graphics2D g, double value, String label) {
            g.setColor(GRID);
            if (y(value) > top && y(value) < bottom()) {
                g.drawLine(left + 1, y(value), right() - 1, y(value));
            }
            g.setColor(Color.BLACK);
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y(value) + 4);
        }

        /** The axes' titles: centred under the area, and upright beside it. */
        public void axisTitles(Graphics2D g, String xTitle, String yTitle) {
            g.setColor(Color.BLACK);
            int xWidth = g.getFontMetrics().stringWidth(xTitle);
            int yWidth = g.getFontMetrics().stringWidth(yTitle);
            g.drawString(xTitle, left + width / 2 - xWidth / 2, bottom() + 34);
            Graphics2D upright = (Graphics2D) g.create();
            upright.rotate(-Math.PI / 2);
            upright.drawString(yTitle, -(top + height / 2) - yWidth / 2, 16);
            upright.dispose();
        }

        /** A line across the area at {@code value}, named at its right end unless {@code label} is null. */
        public void level(Graphics2D g, double value, Color color, String label) {
            if (value < yMin || value > yMax) {
                return;
            }
            Stroke previous = g.getStroke();
            g.setColor(color);
            g.setStroke(DASHED);
            g.drawLine(left, y(value), right(), y(value));
            g.setStroke(previous);
            if (label != null) {
                g.drawString(label, right() - 6 - g.getFontMetrics().stringWidth(label), y(value) - 4);
            }
        }

        /** Straight segments through the points, in the order given. */
        public void polyline(Graphics2D g, double[] xs, double[] ys, Color color, Stroke stroke) {
            Stroke previous = g.getStroke();
            g.setColor(color);
            g.setStroke(stroke);
            for (int i = 1; i < xs.length; i++) {
                g.drawLine(x(xs[i - 1]), y(ys[i - 1]), x(xs[i]), y(ys[i]));
            }
            g.setStroke(previous);
        }

        /** One line per entry under the area, from {@code below} pixels under it, each with a swatch of its colour. */
        public void legend(Graphics2D g, int below, List<String> labels, List<Color> colors) {
            int y = bottom() + below;
            for (int i = 0; i < labels.size(); i++) {
                g.setColor(colors.get(i));
                g.fillRect(left, y + LEGEND_LINE * i - 8, 16, 8);
                g.setColor(Color.BLACK);
                g.drawString(labels.get(i), left + 22, y + LEGEND_LINE * i);
            }
        }
    }
}

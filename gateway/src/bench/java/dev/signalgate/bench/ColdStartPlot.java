package dev.signalgate.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

/**
 * Draws the cold-start series ({@code coldstart-<target>-<jdk>.csv} files under a directory, as {@link ColdStart}
 * writes them) as one PNG: delivery p99 per second since start, on a logarithmic axis, one line per server and JDK,
 * with the warm threshold. Headless Java2D: nothing to install.
 *
 * <pre>java -Djava.awt.headless=true -cp … dev.signalgate.bench.ColdStartPlot out.png directory</pre>
 */
public final class ColdStartPlot {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 220;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final double MIN_MS = 0.5;
    private static final double MAX_MS = 10_000;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    private ColdStartPlot() {
    }

    record Series(String name, double[] p99Ms) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ColdStartPlot <out.png> <directory with coldstart-*.csv>");
            System.exit(2);
        }
        List<Series> series = read(Path.of(args[1]));
        if (series.isEmpty()) {
            System.err.println("ColdStartPlot: no coldstart-*.csv under " + args[1]);
            System.exit(1);
        }
        ImageIO.write(draw(series), "png", Path.of(args[0]).toFile());
        System.out.println("written: " + args[0]);
    }

    static List<Series> read(Path directory) throws IOException {
        List<Series> series = new ArrayList<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("coldstart-.*\\.csv")).sorted()
                    .toList()) {
                List<String> lines = Files.readAllLines(file);
                double[] p99 = new double[lines.size() - 1];
                for (int i = 1; i < lines.size(); i++) {
                    p99[i - 1] = Double.parseDouble(lines.get(i).split(",")[3]);
                }
                String name = file.getFileName().toString().replaceAll("^coldstart-|\\.csv$", "");
                series.add(new Series(name, p99));
            }
        }
        return series;
    }

    static BufferedImage draw(List<Series> series) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int seconds = series.stream().mapToInt(s -> s.p99Ms().length).max().orElse(1);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString("Delivery p99 per second since a fresh start (open-loop chat load)", LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double ms = 1; ms <= MAX_MS; ms *= 10) {
            int y = y(ms, plotHeight);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, y, LEFT + plotWidth, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(ms >= 1000 ? (int) (ms / 1000) + " s" : (int) ms + " ms", 20, y + 4);
        }
        for (int s = 0; s <= seconds; s += 5) {
            int x = LEFT + s * plotWidth / seconds;
            g.setColor(new Color(0xeeeeee));
            g.drawLine(x, TOP, x, TOP + plotHeight);
            g.setColor(Color.DARK_GRAY);
            g.drawString(Integer.toString(s), x - 6, TOP + plotHeight + 18);
        }
        g.drawString("seconds since the first client connected", LEFT + plotWidth / 2 - 110, HEIGHT - 18);
        int threshold = y(ColdStart.WARM_P99_MILLIS, plotHeight);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.drawLine(LEFT, threshold, LEFT + plotWidth, threshold);
        g.drawString("warm: p99 < " + (int) ColdStart.WARM_P99_MILLIS + " ms", LEFT + plotWidth + 8, threshold + 4);

        g.setStroke(new BasicStroke(2));
        for (int i = 0; i < series.size(); i++) {
            Series one = series.get(i);
            g.setColor(COLORS[i % COLORS.length]);
            int previousX = -1;
            int previousY = -1;
            for (int s = 0; s < one.p99Ms().length; s++) {
                if (Double.isNaN(one.p99Ms()[s])) {
                    previousX = -1;
                    continue;
                }
                int x = LEFT + s * plotWidth / seconds + plotWidth / seconds / 2;
                int y = y(one.p99Ms()[s], plotHeight);
                if (previousX >= 0) {
                    g.drawLine(previousX, previousY, x, y);
                }
                g.fillOval(x - 2, y - 2, 5, 5);
                previousX = x;
                previousY = y;
            }
            int legendY = TOP + 30 + i * 20;
            g.drawLine(LEFT + plotWidth + 8, legendY - 4, LEFT + plotWidth + 28, legendY - 4);
            g.drawString(one.name(), LEFT + plotWidth + 34, legendY);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawRect(LEFT, TOP, plotWidth, plotHeight);
        g.dispose();
        return image;
    }

    private static int y(double ms, int plotHeight) {
        double clamped = Math.max(MIN_MS, Math.min(MAX_MS, ms));
        double share = (Math.log10(clamped) - Math.log10(MIN_MS)) / (Math.log10(MAX_MS) - Math.log10(MIN_MS));
        return TOP + plotHeight - (int) Math.round(share * plotHeight);
    }
}

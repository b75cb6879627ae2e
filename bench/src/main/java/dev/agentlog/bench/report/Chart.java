package dev.agentlog.bench.report;

import dev.agentlog.bench.run.LatencyResult;
import dev.agentlog.bench.run.ThroughputResult;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** docs/benchmarks.png: throughput bars of every contender and, when measured, latency percentiles by offered load. */
public final class Chart {
    private static final int WIDTH = 1600;
    private static final int HEIGHT = 700;

    private Chart() {}

    public static void write(BenchReport r, Path file) throws IOException {
        List<JFreeChart> charts = new ArrayList<>();
        charts.add(throughput(r));
        if (r.latency() != null && !r.latency().isEmpty()) {
            charts.add(latency(r.latency()));
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.drawString(String.format(Locale.ROOT, "agentlog-bench %s: %,d events, %d cores (%s), %s", r.kind(),
                r.log().events(), r.machine().cores(), r.machine().cpuModel(),
                r.startedAt().toString().substring(0, 16).replace('T', ' ') + " UTC"), 12, 22);
        int each = WIDTH / charts.size();
        for (int i = 0; i < charts.size(); i++) {
            charts.get(i).draw(g, new Rectangle2D.Double(i * each, 32, each, HEIGHT - 32));
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static JFreeChart throughput(BenchReport r) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<ThroughputResult> all = new ArrayList<>();
        if (r.copy() != null) {
            all.add(r.copy());
        }
        all.addAll(r.agentlogRuns());
        all.addAll(r.peers());
        for (ThroughputResult t : all) {
            String name = shortName(t.name());
            data.addValue(t.rowsPerSecond() / 1000, "rows written / s (all tables)", name);
            data.addValue(t.messageRowsPerSecond() / 1000, "message rows / s", name);
            if (t.events() > 0) {
                data.addValue(t.eventsPerSecond() / 1000, "events / s", name);
            }
        }
        JFreeChart chart = ChartFactory.createBarChart("Throughput (thousands per second)", null, "thousand / s", data,
                PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        return chart;
    }

    private static JFreeChart latency(List<LatencyResult> latency) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (LatencyResult l : latency) {
            String rate = String.format(Locale.ROOT, "%,d events/s", l.offeredPerSecond());
            data.addValue(l.p50Millis(), "p50", rate);
            data.addValue(l.p95Millis(), "p95", rate);
            data.addValue(l.p99Millis(), "p99", rate);
        }
        JFreeChart chart = ChartFactory.createBarChart("HTTP ack to row visible (ms)", "offered load", "ms", data,
                PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        return chart;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(new Color(248, 248, 248));
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        CategoryAxis axis = plot.getDomainAxis();
        axis.setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        axis.setMaximumCategoryLabelLines(3);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
                new java.text.DecimalFormat("#,##0.#")));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setSeriesPaint(0, new Color(46, 117, 182));
        renderer.setSeriesPaint(1, new Color(237, 125, 49));
        renderer.setSeriesPaint(2, new Color(112, 173, 71));
    }

    private static String shortName(String name) {
        return name.replace("Kafka Connect + Debezium JDBC", "Connect + Debezium JDBC");
    }
}

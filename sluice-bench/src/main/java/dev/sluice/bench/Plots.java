package dev.sluice.bench;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line-chart panels for the benchmark reports, rendered headless (java.awt.headless=true) to one PNG. */
final class Plots {
    static final Color BLUE = new Color(0x1f77b4);
    static final Color RED = new Color(0xd62728);
    static final Color GREEN = new Color(0x2ca02c);
    static final Color ORANGE = new Color(0xff7f0e);
    static final Color GREY = new Color(0x7f7f7f);
    static final int WIDTH = 960;
    static final int PANEL_HEIGHT = 360;

    private Plots() {}

    /** An empty panel; {@code logX} makes the x axis logarithmic; the y axis starts at 0. */
    static XYChart panel(String title, String xTitle, String yTitle, boolean logX) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(PANEL_HEIGHT)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        XYStyler styler = chart.getStyler();
        if (logX) {
            styler.setXAxisLogarithmic(true);
            styler.setXAxisLogarithmicDecadeOnly(false);
            styler.setXAxisDecimalPattern("0.#");
        }
        styler.setYAxisMin(0.0);
        styler.setLegendPosition(Styler.LegendPosition.InsideSE);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setAntiAlias(true);
        return chart;
    }

    /** Adds a series: solid with markers, or {@code dashed} without (a target line). */
    static void line(XYChart chart, String name, double[] x, double[] y, Color color, boolean dashed) {
        if (x.length == 0) {
            return;
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setLineStyle(dashed ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
        s.setMarker(dashed ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    }

    /** A dashed horizontal line at {@code y} from {@code x0} to {@code x1}. */
    static void target(XYChart chart, String name, double x0, double x1, double y, Color color) {
        line(chart, name, new double[] {x0, x1}, new double[] {y, y}, color, true);
    }

    /** Writes {@code panels} stacked in one PNG. */
    static void save(Path file, List<? extends Chart<?, ?>> panels) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(panels, panels.size(), 1, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    static double max(double[] values) {
        double m = 0;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}

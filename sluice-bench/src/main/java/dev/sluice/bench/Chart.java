package dev.sluice.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * The overload chart, two panels against offered load (log scale) for the baseline and the load
 * phases: goodput with its target of 98% of C, and admitted end-to-end p99 with its
 * target of 1.2x the baseline. Rendered headless (java.awt.headless=true) to PNG.
 */
final class Chart {
    private static final Color GOODPUT = Plots.BLUE;
    private static final Color P99 = Plots.RED;

    private Chart() {}

    static void writePng(OverloadScenario.Result result, Path file) throws IOException {
        List<PhaseSummary> ramp = result.phases().stream()
                .filter(p ->
                        p.phase().kind() == Phase.Kind.BASELINE || p.phase().kind() == Phase.Kind.LOAD)
                .sorted(Comparator.comparingDouble(p -> p.phase().loadFactor()))
                .toList();
        if (ramp.isEmpty()) {
            return;
        }
        var s = result.settings();
        double capacity = s.capacityPerSecond();
        double[] load = ramp.stream().mapToDouble(p -> p.phase().loadFactor()).toArray();
        double[] ends = {load[0], load[load.length - 1]};
        double[] goodput =
                ramp.stream().mapToDouble(PhaseSummary::goodputPerSecond).toArray();
        double[] p99 = ramp.stream().mapToDouble(p -> p.endToEnd().p99Ms()).toArray();
        double baseline = ramp.stream()
                .filter(p -> p.phase().kind() == Phase.Kind.BASELINE)
                .mapToDouble(p -> p.endToEnd().p99Ms())
                .findFirst()
                .orElse(0);

        XYChart top = panel(
                String.format(
                        "Sluice overload: S = %d, C = %.0f req/s, %d s per phase — goodput",
                        s.slots(), capacity, s.phase().toSeconds()),
                "goodput (req/s)",
                Math.max(capacity, max(goodput)) * 1.2);
        line(top, "goodput", load, goodput, GOODPUT, false);
        line(
                top,
                String.format("target: 98%% of C = %.2f req/s", 0.98 * capacity),
                ends,
                new double[] {0.98 * capacity, 0.98 * capacity},
                GOODPUT,
                true);

        XYChart bottom = panel(
                "admitted requests: end-to-end p99 from the intended send time",
                "p99 (ms)",
                Math.max(1.2 * baseline, max(p99)) * 1.2);
        line(bottom, "admitted p99", load, p99, P99, false);
        if (baseline > 0) {
            line(
                    bottom,
                    "target: 1.2x baseline (0.8x C)",
                    ends,
                    new double[] {1.2 * baseline, 1.2 * baseline},
                    P99,
                    true);
        }
        Plots.save(file, List.of(top, bottom));
    }

    private static XYChart panel(String title, String yTitle, double yMax) {
        XYChart chart = Plots.panel(title, "offered load (x C, log scale)", yTitle, true);
        chart.getStyler().setYAxisMax(Math.ceil(yMax));
        return chart;
    }

    private static void line(XYChart chart, String name, double[] x, double[] y, Color color, boolean dashed) {
        Plots.line(chart, name, x, y, color, dashed);
    }

    private static double max(double[] values) {
        return Plots.max(values);
    }
}

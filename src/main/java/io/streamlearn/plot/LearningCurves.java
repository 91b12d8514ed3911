package io.streamlearn.plot;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Learning curves as one line chart: a figure (windowed accuracy, error…) against examples seen, one line per model. */
public final class LearningCurves {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private LearningCurves() {
    }

    /** A series per entry, name → (x, y); points whose y is NaN are left out. */
    public static XYChart chart(String title, String yTitle, Map<String, double[][]> series) {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle("examples seen")
                .yAxisTitle(yTitle).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        int i = 0;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[] x = e.getValue()[0];
            double[] y = e.getValue()[1];
            int n = 0;
            for (double v : y) {
                n += Double.isNaN(v) ? 0 : 1;
            }
            if (n == 0) {
                continue;
            }
            double[] xs = new double[n];
            double[] ys = new double[n];
            for (int k = 0, j = 0; k < y.length; k++) {
                if (!Double.isNaN(y[k])) {
                    xs[j] = x[k];
                    ys[j++] = y[k];
                }
            }
            XYSeries s = chart.addSeries(e.getKey(), xs, ys);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(COLORS[i++ % COLORS.length]);
        }
        return chart;
    }

    public static void savePng(XYChart chart, Path file) throws IOException {
        Plots.savePng(new Picture(chart, null), file);
    }
}

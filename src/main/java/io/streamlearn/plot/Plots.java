package io.streamlearn.plot;

import io.streamlearn.data.LabeledRow;
import io.streamlearn.model.Network;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The tutorial's two pictures, drawn with XChart: the data colored by label, and the model's
 * predictions colored by predicted class with its decision boundary (for two-feature models).
 */
public final class Plots {
    private static final Color[] CLASS_COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd)};
    private static final int GRID = 300;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    /** Scatter of the first two features, one series per label. */
    public static XYChart data(List<LabeledRow> rows, String title) {
        XYChart chart = chart(title);
        Map<Integer, List<LabeledRow>> byLabel = new TreeMap<>();
        rows.forEach(r -> byLabel.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r));
        byLabel.forEach((label, rs) -> scatter(chart, "label " + label, rs, CLASS_COLORS[label % CLASS_COLORS.length]));
        return chart;
    }

    /** Predicted classes of the rows and, for a two-input model, the boundary where the prediction changes. */
    public static XYChart predictions(List<LabeledRow> rows, Network model, String title) {
        if (model.inputSize() != 2) {
            throw new IllegalArgumentException("the prediction picture needs a model with 2 inputs, this one has " + model.inputSize());
        }
        XYChart chart = chart(title);
        double[] out = new double[model.outputSize()];
        Map<Integer, List<LabeledRow>> byPrediction = new TreeMap<>();
        for (LabeledRow r : rows) {
            model.predict(r.features(), out);
            byPrediction.computeIfAbsent(model.predictClass(out), k -> new ArrayList<>()).add(r);
        }
        byPrediction.forEach((c, rs) -> scatter(chart, "predicted " + c, rs, CLASS_COLORS[c % CLASS_COLORS.length]));
        List<double[]> boundary = boundary(rows, model);
        if (!boundary.isEmpty()) {
            XYSeries s = chart.addSeries("decision boundary", boundary.stream().mapToDouble(p -> p[0]).toArray(),
                    boundary.stream().mapToDouble(p -> p[1]).toArray());
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(Color.BLACK);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        }
        return chart;
    }

    /** Grid cells (over the data's range, padded 10 %) whose predicted class differs from the cell to the right or above. */
    static List<double[]> boundary(List<LabeledRow> rows, Network model) {
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (LabeledRow r : rows) {
            minX = Math.min(minX, r.features()[0]);
            maxX = Math.max(maxX, r.features()[0]);
            minY = Math.min(minY, r.features()[1]);
            maxY = Math.max(maxY, r.features()[1]);
        }
        double padX = (maxX - minX) * 0.1 + 1e-9;
        double padY = (maxY - minY) * 0.1 + 1e-9;
        minX -= padX;
        maxX += padX;
        minY -= padY;
        maxY += padY;
        int[][] cls = new int[GRID][GRID];
        double[] x = new double[2];
        double[] out = new double[model.outputSize()];
        for (int i = 0; i < GRID; i++) {
            for (int j = 0; j < GRID; j++) {
                x[0] = minX + (maxX - minX) * i / (GRID - 1);
                x[1] = minY + (maxY - minY) * j / (GRID - 1);
                model.predict(x, out);
                cls[i][j] = model.predictClass(out);
            }
        }
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < GRID - 1; i++) {
            for (int j = 0; j < GRID - 1; j++) {
                if (cls[i][j] != cls[i + 1][j] || cls[i][j] != cls[i][j + 1]) {
                    points.add(new double[] {minX + (maxX - minX) * (i + 0.5) / (GRID - 1),
                            minY + (maxY - minY) * (j + 0.5) / (GRID - 1)});
                }
            }
        }
        return points;
    }

    public static void savePng(XYChart chart, Path file) throws IOException {
        String name = file.toString();
        String base = name.toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
    }

    private static XYChart chart(String title) {
        XYChart chart = new XYChartBuilder().width(800).height(600).title(title).xAxisTitle("x1").yAxisTitle("x2").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    private static void scatter(XYChart chart, String name, List<LabeledRow> rows, Color color) {
        XYSeries s = chart.addSeries(name, rows.stream().mapToDouble(r -> r.features()[0]).toArray(),
                rows.stream().mapToDouble(r -> r.features().length > 1 ? r.features()[1] : 0).toArray());
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
    }
}

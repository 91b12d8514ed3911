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
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The tutorial's two pictures, drawn with XChart on the same axes: the data colored by label, and
 * a two-feature model's decision regions shaded by predicted class with the same data on top.
 */
public final class Plots {
    /** The dashboard's class colours (matplotlib's first five), so both show a class alike. */
    static final Color[] CLASS_COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    /** Scatter of the first two features, one series per label. */
    public static Picture data(List<LabeledRow> rows, String title) {
        return new Picture(labeled(rows, title, PlotArea.around(rows)), null);
    }

    /**
     * The regions where a two-input model predicts each class, shaded, with the rows on top colored
     * by their label (a point in a region of another colour is one the model gets wrong), on the
     * axes of {@link #data}.
     */
    public static Picture predictions(List<LabeledRow> rows, Network model, String title) {
        PlotArea area = PlotArea.around(rows);
        DecisionRegions regions = new DecisionRegions(model, area);
        return new Picture(labeled(rows, title, area), regions);
    }

    public static void savePng(Picture picture, Path file) throws IOException {
        if (!ImageIO.write(picture.render(), "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
    }

    private static XYChart labeled(List<LabeledRow> rows, String title, PlotArea area) {
        XYChart chart = new XYChartBuilder().width(800).height(600).title(title).xAxisTitle("x1").yAxisTitle("x2").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(7);
        // The area fills the plot exactly: the same axes in both pictures, and the regions reach the border.
        chart.getStyler().setPlotContentSize(1.0);
        chart.getStyler().setXAxisMin(area.minX()).setXAxisMax(area.maxX()).setYAxisMin(area.minY()).setYAxisMax(area.maxY());
        Map<Integer, List<LabeledRow>> byLabel = new TreeMap<>();
        rows.forEach(r -> byLabel.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r));
        byLabel.forEach((label, rs) -> {
            XYSeries s = chart.addSeries("label " + label, rs.stream().mapToDouble(r -> r.features()[0]).toArray(),
                    rs.stream().mapToDouble(PlotArea::y).toArray());
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(CLASS_COLORS[Math.floorMod(label, CLASS_COLORS.length)]);
        });
        return chart;
    }
}

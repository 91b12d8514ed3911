package io.streamlearn.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.knowm.xchart.XYChart;

/**
 * One picture: a chart, and behind its plot, optionally, a model's decision regions. XChart has
 * no layer under its series, so the regions are painted onto the image first and the chart, with
 * a see-through background, on top of them.
 */
public final class Picture {
    private final XYChart chart;
    private final DecisionRegions regions;

    Picture(XYChart chart, DecisionRegions regions) {
        this.chart = chart;
        this.regions = regions;
        Color clear = new Color(0, 0, 0, 0);
        chart.getStyler().setChartBackgroundColor(clear);
        chart.getStyler().setPlotBackgroundColor(clear);
    }

    public BufferedImage render() {
        int w = chart.getWidth();
        int h = chart.getHeight();
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            if (regions != null) {
                // The chart knows where its plot area lies only once it has been painted.
                BufferedImage layout = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                Graphics2D lg = layout.createGraphics();
                chart.paint(lg, w, h);
                lg.dispose();
                regions.paint(image, chart);
            }
            chart.paint(g, w, h);
        } finally {
            g.dispose();
        }
        return image;
    }
}

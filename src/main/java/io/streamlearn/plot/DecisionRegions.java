package io.streamlearn.plot;

import io.streamlearn.model.Network;
import java.awt.Color;
import java.awt.image.BufferedImage;
import org.knowm.xchart.XYChart;

/**
 * A two-input model's decision regions, shaded pixel by pixel in a light tint of each predicted
 * class's colour (the dashboard's mix: a quarter of the colour, three quarters white), so the
 * boundary is where two tints meet and the data's points, drawn on top, stay readable.
 */
final class DecisionRegions {
    private final Network model;
    private final PlotArea area;

    DecisionRegions(Network model, PlotArea area) {
        if (model.inputSize() != 2) {
            throw new IllegalArgumentException("the prediction picture needs a model with 2 inputs, this one has " + model.inputSize());
        }
        this.model = model;
        this.area = area;
    }

    static Color tint(Color c) {
        return new Color(mix(c.getRed()), mix(c.getGreen()), mix(c.getBlue()));
    }

    private static int mix(int channel) {
        return (int) Math.round(channel * 0.25 + 255 * 0.75);
    }

    /** Shades the plot area of {@code chart}, which must have been painted once (only then is it laid out). */
    void paint(BufferedImage image, XYChart chart) {
        double left = chart.getScreenXFromChart(area.minX());
        double right = chart.getScreenXFromChart(area.maxX());
        double top = chart.getScreenYFromChart(area.maxY());
        double bottom = chart.getScreenYFromChart(area.minY());
        int[] tints = new int[Plots.CLASS_COLORS.length];
        for (int i = 0; i < tints.length; i++) {
            tints[i] = tint(Plots.CLASS_COLORS[i]).getRGB();
        }
        double[] x = new double[2];
        double[] out = new double[model.outputSize()];
        int x0 = Math.max(0, (int) Math.ceil(left));
        int x1 = Math.min(image.getWidth() - 1, (int) Math.floor(right));
        int y0 = Math.max(0, (int) Math.ceil(top));
        int y1 = Math.min(image.getHeight() - 1, (int) Math.floor(bottom));
        for (int py = y0; py <= y1; py++) {
            // Each pixel is coloured by the class predicted at its centre.
            x[1] = area.maxY() - (py + 0.5 - top) / (bottom - top) * (area.maxY() - area.minY());
            for (int px = x0; px <= x1; px++) {
                x[0] = area.minX() + (px + 0.5 - left) / (right - left) * (area.maxX() - area.minX());
                model.predict(x, out);
                image.setRGB(px, py, tints[model.predictClass(out) % tints.length]);
            }
        }
    }
}

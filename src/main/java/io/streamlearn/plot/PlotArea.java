package io.streamlearn.plot;

import io.streamlearn.data.LabeledRow;
import java.util.List;

/**
 * The part of the plane both pictures show: the data's range in the first two features, padded
 * by a tenth on every side, so that the predictions are drawn on the same axes as the data.
 */
record PlotArea(double minX, double maxX, double minY, double maxY) {

    static PlotArea around(List<LabeledRow> rows) {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (LabeledRow r : rows) {
            double x = r.features()[0];
            double y = y(r);
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
        }
        double padX = pad(maxX - minX);
        double padY = pad(maxY - minY);
        return new PlotArea(minX - padX, maxX + padX, minY - padY, maxY + padY);
    }

    /** The second feature, or 0 for data with one: such data is drawn on a line. */
    static double y(LabeledRow r) {
        return r.features().length > 1 ? r.features()[1] : 0;
    }

    /** A tenth of the range; a range of one value (all points on a line) gets 1 either side, or the axis would be empty. */
    private static double pad(double range) {
        return range > 0 ? range * 0.1 : 1;
    }
}

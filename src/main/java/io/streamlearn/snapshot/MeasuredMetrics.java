package io.streamlearn.snapshot;

import io.streamlearn.avro.PrequentialMetrics;

/**
 * A snapshot's accuracy and log loss as they are shown. The schema keeps them as plain numbers,
 * 0 when no example was scored (initial weights nobody trained, a retrain without a holdout);
 * printed as 0 they read as a model that is always wrong. Here they are NaN when nothing was
 * scored: the commands print "-", the HTTP API null.
 */
public final class MeasuredMetrics {
    private MeasuredMetrics() {
    }

    public static boolean measured(PrequentialMetrics m) {
        return m.getScored() > 0;
    }

    public static double accuracy(PrequentialMetrics m) {
        return measured(m) ? m.getAccuracy() : Double.NaN;
    }

    public static double logLoss(PrequentialMetrics m) {
        return measured(m) ? m.getLogLoss() : Double.NaN;
    }
}

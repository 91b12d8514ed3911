package io.streamlearn.snapshot;

import io.streamlearn.avro.EvaluationFigures;
import io.streamlearn.avro.WeightSnapshot;
import java.util.Locale;

/**
 * A snapshot's prequential figures as people read them: those of the kind of model, "-" where
 * not measured. Snapshots written before the figures existed fall back to their accuracy and log
 * loss.
 */
public final class PublishedFigures {
    private PublishedFigures() {
    }

    /** Accuracy since the start, or null when not measured (a regression, or nothing scored yet). */
    public static Double accuracy(WeightSnapshot s) {
        EvaluationFigures f = s.getFigures();
        // not a ternary: it would unbox a null figure into a NullPointerException
        if (f != null) {
            return f.getAccuracy();
        }
        return s.getMetrics().getAccuracy();
    }

    public static Double logLoss(WeightSnapshot s) {
        EvaluationFigures f = s.getFigures();
        if (f != null) {
            return f.getLogLoss();
        }
        return s.getMetrics().getLogLoss();
    }

    /** A figure in a column of 9: four decimals, or "-" when not measured. */
    public static String cell(Double v) {
        return v == null || v.isNaN() ? String.format("%9s", "-") : String.format(Locale.ROOT, "%9.4f", v);
    }

    /** One line of every figure a snapshot publishes, or null for one written before they existed. */
    public static String line(WeightSnapshot s) {
        EvaluationFigures f = s.getFigures();
        if (f == null) {
            return null;
        }
        return String.format(Locale.ROOT, "figures over %d examples: accuracy %s (last window %s, fading %s), log loss %s"
                        + " (last window %s), mse %s, mae %s (last window %s); drifts %d, warnings %d",
                f.getExamples(), text(f.getAccuracy()), text(f.getWindowAccuracy()), text(f.getFadingAccuracy()),
                text(f.getLogLoss()), text(f.getWindowLogLoss()), text(f.getMse()), text(f.getMae()),
                text(f.getWindowMae()), f.getDrifts(), f.getWarnings());
    }

    private static String text(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}

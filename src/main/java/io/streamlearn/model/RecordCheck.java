package io.streamlearn.model;

/**
 * The one place that decides whether a record can be scored or learned by a model: the topology,
 * {@code retrain}, {@code plot} and the HTTP API all ask here, so a record refused by one is
 * refused by all, with the same words. Returns null when the record fits: the common case
 * allocates nothing.
 */
public final class RecordCheck {

    /** Why a record does not fit; the caller maps it to its own vocabulary (dead-letter reason, HTTP status). */
    public enum Kind { WRONG_DIMENSION, NON_FINITE_VALUE, LABEL_OUT_OF_RANGE }

    public record Problem(Kind kind, String detail) {
    }

    private RecordCheck() {
    }

    /** Features {@code x} for model {@code id}: as many as its inputs, all finite. */
    public static Problem features(String id, ModelSpec spec, double[] x) {
        if (x.length != spec.inputSize()) {
            return new Problem(Kind.WRONG_DIMENSION,
                    "model '" + id + "' takes " + spec.inputSize() + " features, got " + x.length);
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                return new Problem(Kind.NON_FINITE_VALUE, "features[" + i + "] is " + x[i]);
            }
        }
        return null;
    }

    /** A label for model {@code id}: a target for every output, or one number the output layer can reach. */
    public static Problem label(String id, ModelSpec spec, Label label) {
        int outputs = spec.outputSize();
        if (label instanceof Label.Vector v) {
            double[] y = v.target();
            if (y.length != outputs) {
                return new Problem(Kind.LABEL_OUT_OF_RANGE,
                        "label vector has " + y.length + " values, model '" + id + "' has " + outputs + " outputs");
            }
            for (int i = 0; i < y.length; i++) {
                if (!Double.isFinite(y[i])) {
                    return new Problem(Kind.NON_FINITE_VALUE, "label[" + i + "] is " + y[i]);
                }
            }
            return null;
        }
        double y = ((Label.Scalar) label).value();
        if (!Double.isFinite(y)) {
            return new Problem(Kind.NON_FINITE_VALUE, "label is " + y);
        }
        if (!isValidScalar(spec, y)) {
            return new Problem(Kind.LABEL_OUT_OF_RANGE, "label " + y + " is not valid for model '" + id + "' ("
                    + (outputs == 1 ? "expected 0 or 1" : "expected a class index 0.." + (outputs - 1)) + ")");
        }
        return null;
    }

    /** Features, then label: the first problem of a labeled example, or null. */
    public static Problem example(String id, ModelSpec spec, double[] x, Label label) {
        Problem p = features(id, spec, x);
        return p != null ? p : label(id, spec, label);
    }

    /**
     * One number as a label: a class index below the output count for several outputs; 0 or 1
     * for one output trained as a classifier (the target mapping turns 0 into −1 for tanh and
     * sign outputs); any finite number for a regression.
     */
    public static boolean isValidScalar(ModelSpec spec, double y) {
        if (!Double.isFinite(y)) {
            return false;
        }
        int m = spec.outputSize();
        if (m == 1) {
            return !spec.loss().classification() || y == 0.0 || y == 1.0;
        }
        return y == Math.rint(y) && y >= 0 && y < m;
    }
}

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
                return new Problem(Kind.NON_FINITE_VALUE, "features[" + i + "] is " + x[i] + ", not a finite number");
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
                    return new Problem(Kind.NON_FINITE_VALUE, "label[" + i + "] is " + y[i] + ", not a finite number");
                }
            }
            String wrong = targetProblem(spec.loss(), y);
            return wrong == null ? null : new Problem(Kind.LABEL_OUT_OF_RANGE, wrong);
        }
        double y = ((Label.Scalar) label).value();
        if (!Double.isFinite(y)) {
            return new Problem(Kind.NON_FINITE_VALUE, "label is " + y + ", not a finite number");
        }
        if (!isValidScalar(spec, y)) {
            return new Problem(Kind.LABEL_OUT_OF_RANGE, "label " + y + " is not valid for model '" + id + "' ("
                    + (outputs == 1 ? "expected 0 or 1" : "expected a class index 0.." + (outputs - 1)) + ")");
        }
        return null;
    }

    /** Tolerance on the sum of a categorical target: the rounding of a few decimal probabilities. */
    static final double SUM_TOLERANCE = 1e-6;

    /**
     * Why a finite target vector cannot be learned by this loss, or null: what each loss reads
     * its target as. A cross-entropy's target is probabilities; hinge and perceptron targets are
     * classes, written 0 or 1 per output and mapped to −1/+1 by the loss (t = 2y − 1), so −1 would
     * become −3 — refused rather than silently read either way.
     */
    public static String targetProblem(LossKind loss, double[] y) {
        switch (loss) {
            case CATEGORICAL_CROSS_ENTROPY -> {
                double sum = 0;
                for (int i = 0; i < y.length; i++) {
                    if (y[i] < 0 || y[i] > 1) {
                        return "categorical_cross_entropy needs a distribution over the classes: label[" + i + "] is "
                                + y[i] + ", outside [0, 1] (give a one-hot vector or probabilities, or the class index)";
                    }
                    sum += y[i];
                }
                if (Math.abs(sum - 1) > SUM_TOLERANCE) {
                    return "categorical_cross_entropy needs a distribution over the classes: the label sums to " + sum
                            + ", not 1 (normalise it, or give the class index; for several labels at once use"
                            + " sigmoid outputs with binary_cross_entropy)";
                }
                return null;
            }
            case BINARY_CROSS_ENTROPY -> {
                for (int i = 0; i < y.length; i++) {
                    if (y[i] < 0 || y[i] > 1) {
                        return "binary_cross_entropy targets are probabilities in [0, 1]: label[" + i + "] is " + y[i]
                                + " (for other targets use squared_error)";
                    }
                }
                return null;
            }
            case HINGE, PERCEPTRON -> {
                for (int i = 0; i < y.length; i++) {
                    if (y[i] != 0 && y[i] != 1) {
                        return loss.name().toLowerCase(java.util.Locale.ROOT) + " labels are 0 or 1 per output (the loss"
                                + " reads them as −1/+1): label[" + i + "] is " + y[i]
                                + (y[i] == -1 ? " (write 0 for the negative class)" : "");
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
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

package io.streamlearn.eval;

import java.util.Arrays;

/**
 * Prequential figures that mean something for the kind of model they measure, each three ways:
 * since the start (cumulative), over the last {@code window} examples, and with a fading factor α
 * (Gama, Sebastião and Rodrigues, "On evaluating stream learning algorithms", 2013: S ← x + αS,
 * N ← 1 + αN, figure S/N; 0.999 weighs the last ~1000 examples most, without storing them).
 * <ul>
 *   <li>a classifier: accuracy, log loss where its output is a probability (sigmoid, softmax, tanh
 *       read as (a + 1)/2 — not step, sign, linear or ReLU outputs), and per class precision,
 *       recall and support (cumulative, up to {@link #MAX_CLASSES} classes);</li>
 *   <li>a regression: mean squared error and mean absolute error, no accuracy;</li>
 *   <li>vector labels: MSE and MAE against the target vector, and for a classifier, accuracy by
 *       argmax where the target is one-hot (log loss as cross-entropy against it).</li>
 * </ul>
 * A figure that nothing has measured yet is NaN, never 0: "not measured" is not "all wrong".
 *
 * <p>The state is a few counts, sums and the window's ring of per-example values, exported as
 * plain arrays so a restored evaluation continues bit for bit. Recording allocates nothing.
 */
public final class Evaluation {
    /** How the output layer reads as probabilities. */
    public enum Output {
        /** Each output in [0, 1] on its own (sigmoid). */
        PROBABILITY,
        /** The outputs are one distribution over the classes (softmax). */
        DISTRIBUTION,
        /** Each output in [−1, 1]: (a + 1)/2 is its probability (tanh). */
        SIGNED,
        /** Not a probability (step, sign, linear, ReLU): no log loss. */
        SCORE
    }

    public static final int DEFAULT_WINDOW = 1000;
    public static final double DEFAULT_FADING = 0.999;
    /** Per-class figures are kept up to this many classes; beyond, they are not measured. */
    public static final int MAX_CLASSES = 256;
    static final double EPS = 1e-15;

    private static final int CORRECT = 0;
    private static final int LOG_LOSS = 1;
    private static final int SQUARED = 2;
    private static final int ABSOLUTE = 3;
    private static final int Q = 4;

    private final boolean classifier;
    private final Output output;
    private final int outputs;
    private final int window;
    private final double alpha;

    private long examples;
    private final long[] counts = new long[Q];
    private final double[] sums = new double[Q];
    private final double[] fadingSums = new double[Q];
    private final double[] fadingWeights = new double[Q];
    /** The last {@code window} examples' values, [slot * Q + quantity], NaN where not measured. */
    private final double[] ring;
    private int next;
    private int filled;
    /** Per class: examples of it, examples predicted as it, and both; null beyond MAX_CLASSES or for a regression. */
    private final long[] support;
    private final long[] predicted;
    private final long[] truePositives;
    private double lastError = Double.NaN;
    /** Scratch of one example's values. */
    private final double[] values = new double[Q];

    /**
     * @param classifier whether labels are classes (the loss is not squared error)
     * @param output     how the output layer reads as probabilities
     * @param outputs    units of the output layer (1 for a binary classifier: 2 classes)
     * @param window     examples in the windowed figures, ≥ 1
     * @param alpha      fading factor in (0, 1]
     */
    public Evaluation(boolean classifier, Output output, int outputs, int window, double alpha) {
        if (outputs < 1 || window < 1 || !(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("need outputs ≥ 1, window ≥ 1 and alpha in (0, 1]");
        }
        this.classifier = classifier;
        this.output = output;
        this.outputs = outputs;
        this.window = window;
        this.alpha = alpha;
        this.ring = new double[window * Q];
        int classes = classes();
        boolean perClass = classifier && classes <= MAX_CLASSES;
        this.support = perClass ? new long[classes] : null;
        this.predicted = perClass ? new long[classes] : null;
        this.truePositives = perClass ? new long[classes] : null;
    }

    public Evaluation(boolean classifier, Output output, int outputs) {
        this(classifier, output, outputs, DEFAULT_WINDOW, DEFAULT_FADING);
    }

    public boolean classifier() {
        return classifier;
    }

    /** Classes a classifier tells apart: its outputs, or 2 for one output. 0 for a regression. */
    public int classes() {
        return classifier ? Math.max(2, outputs) : 0;
    }

    public int window() {
        return window;
    }

    public double alpha() {
        return alpha;
    }

    /**
     * A classifier's example labeled with class {@code label} (0/1 for one output), which it
     * predicted as {@code predictedClass} from {@code out}.
     */
    public void recordClass(double[] out, int predictedClass, int label) {
        if (!classifier) {
            throw new IllegalStateException("a regression has no classes: record its target");
        }
        Arrays.fill(values, Double.NaN);
        values[CORRECT] = predictedClass == label ? 1.0 : 0.0;
        values[LOG_LOSS] = classLogLoss(out, label);
        countClass(predictedClass, label);
        lastError = 1.0 - values[CORRECT];
        add();
    }

    /**
     * An example labeled with a target vector (a regression's targets, or a classifier's vector
     * label), predicted as {@code out}; {@code predictedClass} is the class a classifier predicted
     * (ignored for a regression).
     */
    public void recordTarget(double[] out, double[] target, int predictedClass) {
        Arrays.fill(values, Double.NaN);
        double se = 0;
        double ae = 0;
        for (int i = 0; i < target.length; i++) {
            double d = out[i] - target[i];
            se += d * d;
            ae += Math.abs(d);
        }
        values[SQUARED] = se / target.length;
        values[ABSOLUTE] = ae / target.length;
        lastError = values[ABSOLUTE];
        if (classifier) {
            int label = classOf(target);
            if (label >= 0) {
                values[CORRECT] = predictedClass == label ? 1.0 : 0.0;
                countClass(predictedClass, label);
                lastError = 1.0 - values[CORRECT];
            }
            values[LOG_LOSS] = vectorLogLoss(out, target);
        }
        add();
    }

    /**
     * The error {@link #lastError} would give for an example, without recording anything: a second
     * learner on the same stream (a background learner) is measured exactly as the model is.
     * {@code label} is a classifier's class, or −1 for an example labeled with the target vector
     * {@code target}. Allocates nothing.
     */
    public double errorOf(double[] out, double[] target, int predictedClass, int label) {
        if (label >= 0) {
            return predictedClass == label ? 0.0 : 1.0;
        }
        if (classifier) {
            int hot = classOf(target);
            if (hot >= 0) {
                return predictedClass == hot ? 0.0 : 1.0;
            }
        }
        double ae = 0;
        for (int i = 0; i < target.length; i++) {
            ae += Math.abs(out[i] - target[i]);
        }
        return ae / target.length;
    }

    /** The class a target vector names: the index of a one-hot vector, or 0/1 for one output; −1 for none. */
    int classOf(double[] target) {
        if (target.length == 1) {
            double y = target[0];
            if (y == 1.0) {
                return 1;
            }
            return y == 0.0 || (output == Output.SIGNED && y == -1.0) ? 0 : -1;
        }
        int hot = -1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 1.0 && hot < 0) {
                hot = i;
            } else if (target[i] != 0.0) {
                return -1;
            }
        }
        return hot;
    }

    private double classLogLoss(double[] out, int label) {
        if (output == Output.SCORE) {
            return Double.NaN;
        }
        if (out.length == 1) {
            double p = clip(output == Output.SIGNED ? (out[0] + 1) / 2 : out[0]);
            return label == 1 ? -Math.log(p) : -Math.log(1 - p);
        }
        double p = output == Output.SIGNED ? (out[label] + 1) / 2 : out[label];
        return -Math.log(clip(p));
    }

    private double vectorLogLoss(double[] out, double[] target) {
        switch (output) {
            case DISTRIBUTION -> {
                double sum = 0;
                for (int i = 0; i < target.length; i++) {
                    if (target[i] != 0) {
                        sum -= target[i] * Math.log(clip(out[i]));
                    }
                }
                return sum;
            }
            case PROBABILITY -> {
                double sum = 0;
                for (int i = 0; i < target.length; i++) {
                    double p = clip(out[i]);
                    sum -= target[i] * Math.log(p) + (1 - target[i]) * Math.log(1 - p);
                }
                return sum / target.length;
            }
            default -> {
                return Double.NaN;
            }
        }
    }

    private static double clip(double p) {
        return Double.isNaN(p) ? 0.5 : Math.min(1 - EPS, Math.max(EPS, p));
    }

    private void countClass(int predictedClass, int label) {
        if (support == null) {
            return;
        }
        if (label >= 0 && label < support.length) {
            support[label]++;
        }
        if (predictedClass >= 0 && predictedClass < predicted.length) {
            predicted[predictedClass]++;
            if (predictedClass == label) {
                truePositives[label]++;
            }
        }
    }

    /** Adds {@link #values} to the three aggregates. */
    private void add() {
        examples++;
        int slot = next * Q;
        for (int q = 0; q < Q; q++) {
            double v = values[q];
            ring[slot + q] = v;
            if (!Double.isNaN(v)) {
                counts[q]++;
                sums[q] += v;
                fadingSums[q] = v + alpha * fadingSums[q];
                fadingWeights[q] = 1 + alpha * fadingWeights[q];
            }
        }
        next = next + 1 == window ? 0 : next + 1;
        filled = Math.min(window, filled + 1);
    }

    /** Examples recorded. */
    public long examples() {
        return examples;
    }

    /** The error of the last example as a drift detector reads it: 0/1 for a class, else the absolute error. */
    public double lastError() {
        return lastError;
    }

    private double cumulative(int q) {
        return counts[q] == 0 ? Double.NaN : sums[q] / counts[q];
    }

    private double fading(int q) {
        return fadingWeights[q] == 0 ? Double.NaN : fadingSums[q] / fadingWeights[q];
    }

    /** Mean over the window, summed afresh (in ring order from the oldest) so no rounding piles up. */
    private double windowed(int q) {
        double sum = 0;
        int n = 0;
        int start = filled < window ? 0 : next;
        for (int i = 0; i < filled; i++) {
            int s = start + i;
            double v = ring[(s >= window ? s - window : s) * Q + q];
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    public double accuracy() {
        return cumulative(CORRECT);
    }

    public double logLoss() {
        return cumulative(LOG_LOSS);
    }

    public double mse() {
        return cumulative(SQUARED);
    }

    public double mae() {
        return cumulative(ABSOLUTE);
    }

    /** Accuracy with the fading factor, without building a {@link Figures}: for a per-example caller. */
    public double fadingAccuracy() {
        return fading(CORRECT);
    }

    /** Examples counted in the accuracy (a classifier's, with a class label or a one-hot target). */
    public long classified() {
        return counts[CORRECT];
    }

    public long correct() {
        return Math.round(sums[CORRECT]);
    }

    /** The cumulative, windowed and fading figures, in that order. */
    public Figures cumulative() {
        return new Figures(examples, cumulative(CORRECT), cumulative(LOG_LOSS), cumulative(SQUARED), cumulative(ABSOLUTE));
    }

    public Figures windowed() {
        return new Figures(filled, windowed(CORRECT), windowed(LOG_LOSS), windowed(SQUARED), windowed(ABSOLUTE));
    }

    public Figures fading() {
        return new Figures(examples, fading(CORRECT), fading(LOG_LOSS), fading(SQUARED), fading(ABSOLUTE));
    }

    /** One set of figures; NaN where not measured. */
    public record Figures(long examples, double accuracy, double logLoss, double mse, double mae) {
    }

    /** Whether per-class figures are kept (a classifier of at most {@link #MAX_CLASSES} classes). */
    public boolean hasPerClass() {
        return support != null;
    }

    /** Examples of class c. */
    public long support(int c) {
        return support[c];
    }

    /** Of the examples predicted as c, the share that were c; NaN while none was predicted as c. */
    public double precision(int c) {
        return predicted[c] == 0 ? Double.NaN : (double) truePositives[c] / predicted[c];
    }

    /** Of the examples of class c, the share predicted as c; NaN while none was seen. */
    public double recall(int c) {
        return support[c] == 0 ? Double.NaN : (double) truePositives[c] / support[c];
    }

    /** examples, next, filled, then per quantity its count, then per class support, predicted, true positives. */
    public long[] exportCounters() {
        int classes = support == null ? 0 : support.length;
        long[] out = new long[3 + Q + 3 * classes];
        out[0] = examples;
        out[1] = next;
        out[2] = filled;
        System.arraycopy(counts, 0, out, 3, Q);
        if (support != null) {
            System.arraycopy(support, 0, out, 3 + Q, classes);
            System.arraycopy(predicted, 0, out, 3 + Q + classes, classes);
            System.arraycopy(truePositives, 0, out, 3 + Q + 2 * classes, classes);
        }
        return out;
    }

    /** lastError, then per quantity its sum, fading sum and fading weight, then the window's ring. */
    public double[] exportSums() {
        double[] out = new double[1 + 3 * Q + ring.length];
        out[0] = lastError;
        System.arraycopy(sums, 0, out, 1, Q);
        System.arraycopy(fadingSums, 0, out, 1 + Q, Q);
        System.arraycopy(fadingWeights, 0, out, 1 + 2 * Q, Q);
        System.arraycopy(ring, 0, out, 1 + 3 * Q, ring.length);
        return out;
    }

    /** Replaces the state by one exported from an evaluation of the same shape. */
    public void importState(long[] c, double[] s) {
        int classes = support == null ? 0 : support.length;
        if (c.length != 3 + Q + 3 * classes || s.length != 1 + 3 * Q + ring.length
                || c[1] < 0 || c[1] >= window || c[2] < 0 || c[2] > window) {
            throw new IllegalArgumentException("evaluation state of another shape: " + c.length + " counters, "
                    + s.length + " sums (window " + window + ", " + classes + " classes)");
        }
        examples = c[0];
        next = (int) c[1];
        filled = (int) c[2];
        System.arraycopy(c, 3, counts, 0, Q);
        if (support != null) {
            System.arraycopy(c, 3 + Q, support, 0, classes);
            System.arraycopy(c, 3 + Q + classes, predicted, 0, classes);
            System.arraycopy(c, 3 + Q + 2 * classes, truePositives, 0, classes);
        }
        lastError = s[0];
        System.arraycopy(s, 1, sums, 0, Q);
        System.arraycopy(s, 1 + Q, fadingSums, 0, Q);
        System.arraycopy(s, 1 + 2 * Q, fadingWeights, 0, Q);
        System.arraycopy(s, 1 + 3 * Q, ring, 0, ring.length);
    }
}

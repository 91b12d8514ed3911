package io.streamlearn.model;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The loss L(a, y) of the output layer. Labels in {0, 1} become t = 2y − 1 for the losses that
 * need ±1 (hinge, perceptron).
 */
public enum LossKind {
    /** −Σ [y log a + (1 − y) log(1 − a)], a clipped to [1e-15, 1 − 1e-15]; with sigmoid, dL/dz = a − y exactly. */
    BINARY_CROSS_ENTROPY,
    /** −Σ y log a, a clipped; with softmax, dL/dz = a − y exactly. */
    CATEGORICAL_CROSS_ENTROPY,
    /** ½ Σ (a − y)². */
    SQUARED_ERROR,
    /** Σ max(0, 1 − t·a). */
    HINGE,
    /**
     * The classic perceptron rule: Σ max(0, −t·z) on the pre-activation, with dL/dz = ŷ − y where
     * ŷ = (z ≥ 0 ? 1 : 0). It ignores g' on purpose: with step and SGD at rate 1 it is exactly
     * w ← w + (y − ŷ)·x.
     */
    PERCEPTRON;

    static final double EPS = 1e-15;

    public static LossKind parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace(" ", "_");
        return switch (n) {
            case "binary_cross_entropy", "binary_crossentropy", "bce", "log_loss", "logistic" -> BINARY_CROSS_ENTROPY;
            case "categorical_cross_entropy", "categorical_crossentropy", "cce", "cross_entropy" -> CATEGORICAL_CROSS_ENTROPY;
            case "squared_error", "mse", "mean_squared_error", "l2" -> SQUARED_ERROR;
            case "hinge" -> HINGE;
            case "perceptron" -> PERCEPTRON;
            default -> throw new IllegalArgumentException("unknown loss '" + name + "' (expected one of "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ")");
        };
    }

    /**
     * The output activations this loss can train. Cross-entropies need the activation whose range
     * is their probability (sigmoid per output, softmax over classes). Hinge aims at ±1, so the
     * output must reach both signs and be differentiable: linear or tanh (sign's gradient is zero;
     * relu, sigmoid and softmax never go below 0, where a 0 label's target lies). The perceptron
     * reads z, not g(z), and predicts z ≥ 0: step, sign or linear, whose threshold is 0. Squared
     * error fits any differentiable output.
     */
    public Set<Activation> outputActivations() {
        return switch (this) {
            case BINARY_CROSS_ENTROPY -> EnumSet.of(Activation.SIGMOID);
            case CATEGORICAL_CROSS_ENTROPY -> EnumSet.of(Activation.SOFTMAX);
            case SQUARED_ERROR -> EnumSet.of(Activation.LINEAR, Activation.RELU, Activation.SIGMOID, Activation.TANH,
                    Activation.SOFTMAX);
            case HINGE -> EnumSet.of(Activation.LINEAR, Activation.TANH);
            case PERCEPTRON -> EnumSet.of(Activation.STEP, Activation.SIGN, Activation.LINEAR);
        };
    }

    /** Whether labels are classes (0/1 or indices) rather than real-valued targets. */
    public boolean classification() {
        return this != SQUARED_ERROR;
    }

    static double clip(double p) {
        return Math.min(1 - EPS, Math.max(EPS, p));
    }

    /** L(a, y) for the first n outputs. */
    double value(double[] z, double[] a, double[] y, int n) {
        double sum = 0;
        switch (this) {
            case BINARY_CROSS_ENTROPY -> {
                for (int i = 0; i < n; i++) {
                    double p = clip(a[i]);
                    sum -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
                }
            }
            case CATEGORICAL_CROSS_ENTROPY -> {
                for (int i = 0; i < n; i++) {
                    if (y[i] != 0) {
                        sum -= y[i] * Math.log(clip(a[i]));
                    }
                }
            }
            case SQUARED_ERROR -> {
                for (int i = 0; i < n; i++) {
                    double d = a[i] - y[i];
                    sum += 0.5 * d * d;
                }
            }
            case HINGE -> {
                for (int i = 0; i < n; i++) {
                    sum += Math.max(0, 1 - (2 * y[i] - 1) * a[i]);
                }
            }
            case PERCEPTRON -> {
                for (int i = 0; i < n; i++) {
                    sum += Math.max(0, -(2 * y[i] - 1) * z[i]);
                }
            }
        }
        return sum;
    }

    /** dL/dz of the output layer into dZ; {@code dA} is scratch of length ≥ n. */
    void outputDelta(Activation g, double[] z, double[] a, double[] y, double[] dA, double[] dZ, int n) {
        if (this == PERCEPTRON) {
            for (int i = 0; i < n; i++) {
                dZ[i] = (z[i] >= 0 ? 1.0 : 0.0) - y[i];
            }
            return;
        }
        if ((this == BINARY_CROSS_ENTROPY && g == Activation.SIGMOID)
                || (this == CATEGORICAL_CROSS_ENTROPY && g == Activation.SOFTMAX)) {
            for (int i = 0; i < n; i++) {
                dZ[i] = a[i] - y[i];
            }
            return;
        }
        switch (this) {
            case BINARY_CROSS_ENTROPY -> {
                for (int i = 0; i < n; i++) {
                    double p = clip(a[i]);
                    dA[i] = (p - y[i]) / (p * (1 - p));
                }
            }
            case CATEGORICAL_CROSS_ENTROPY -> {
                for (int i = 0; i < n; i++) {
                    dA[i] = y[i] == 0 ? 0 : -y[i] / clip(a[i]);
                }
            }
            case SQUARED_ERROR -> {
                for (int i = 0; i < n; i++) {
                    dA[i] = a[i] - y[i];
                }
            }
            case HINGE -> {
                for (int i = 0; i < n; i++) {
                    double t = 2 * y[i] - 1;
                    dA[i] = 1 - t * a[i] > 0 ? -t : 0;
                }
            }
            default -> throw new IllegalStateException(name());
        }
        g.backward(z, a, dA, dZ, n);
    }
}

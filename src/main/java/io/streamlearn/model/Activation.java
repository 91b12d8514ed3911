package io.streamlearn.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * The activation g of a layer, applied to its pre-activation z. Element-wise except softmax.
 * Step and sign have no useful derivative (0 almost everywhere): they are trained with the
 * perceptron rule, which does not differentiate through them.
 */
public enum Activation {
    /** 1 if z ≥ 0 else 0: the tutorial's perceptron (OR with w0 = −1, w1 = w2 = 1 needs step(0) = 1). */
    STEP,
    /** 1 if z ≥ 0 else −1. */
    SIGN,
    LINEAR,
    RELU,
    SIGMOID,
    TANH,
    /** exp(z_i − max z) / Σ exp(z_j − max z): a probability per class. */
    SOFTMAX;

    public static Activation parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (n.equals("IDENTITY")) {
            return LINEAR;
        }
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown activation '" + name + "' (expected one of "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ")");
        }
    }

    /** a = g(z), for the first n entries. */
    public void apply(double[] z, double[] a, int n) {
        switch (this) {
            case STEP -> {
                for (int i = 0; i < n; i++) {
                    a[i] = z[i] >= 0 ? 1.0 : 0.0;
                }
            }
            case SIGN -> {
                for (int i = 0; i < n; i++) {
                    a[i] = z[i] >= 0 ? 1.0 : -1.0;
                }
            }
            case LINEAR -> System.arraycopy(z, 0, a, 0, n);
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    a[i] = z[i] > 0 ? z[i] : 0.0;
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    a[i] = sigmoid(z[i]);
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    a[i] = Math.tanh(z[i]);
                }
            }
            case SOFTMAX -> {
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    max = Math.max(max, z[i]);
                }
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    a[i] = Math.exp(z[i] - max);
                    sum += a[i];
                }
                for (int i = 0; i < n; i++) {
                    a[i] /= sum;
                }
            }
        }
    }

    /** A sigmoid that does not overflow for large negative z. */
    static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /**
     * Back through g: given dL/da, writes dL/dz (vector-Jacobian product; for softmax
     * dz_i = a_i (da_i − Σ_j da_j a_j)).
     */
    public void backward(double[] z, double[] a, double[] dA, double[] dZ, int n) {
        switch (this) {
            case STEP, SIGN -> Arrays.fill(dZ, 0, n, 0.0);
            case LINEAR -> System.arraycopy(dA, 0, dZ, 0, n);
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    dZ[i] = z[i] > 0 ? dA[i] : 0.0;
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    dZ[i] = dA[i] * a[i] * (1 - a[i]);
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    dZ[i] = dA[i] * (1 - a[i] * a[i]);
                }
            }
            case SOFTMAX -> {
                double dot = 0;
                for (int j = 0; j < n; j++) {
                    dot += dA[j] * a[j];
                }
                for (int i = 0; i < n; i++) {
                    dZ[i] = a[i] * (dA[i] - dot);
                }
            }
        }
    }
}

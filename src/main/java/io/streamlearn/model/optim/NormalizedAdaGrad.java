package io.streamlearn.model.optim;

/**
 * Updates insensitive to the scale of each input, after Vowpal Wabbit's {@code --adaptive
 * --normalized} (Ross, Mineiro and Langford, "Normalized online learning", 2013): every weight
 * keeps the largest |input| it has met, s, and AdaGrad's sum of squared gradients, G, and steps
 * w ← w − lr·g / (s·√(G + ε)). When an input larger than s arrives, the weight is first scaled by
 * s_old / s_new, so what it learned at the smaller scale keeps its effect (VW's rescale for
 * adaptive updates); a weight meeting its first non-zero input is scaled by 1 / |x| (s_old taken as
 * 1, the scale the initialisation assumed). Multiply an input by c and s, √G scale by c while the
 * weight scales by 1/c: the predictions do not change (up to ε). Unlike VW there is no global
 * factor √(t / Σ‖x/s‖²), which adapts the rate to the number of active features: the per-weight
 * terms alone give the invariance.
 *
 * <p>Slot 0 is G, slot 1 is s. A bias's input is always 1: {@link #step} is the same step with
 * every input 1, which is AdaGrad with ε inside the root.
 */
public record NormalizedAdaGrad(double learningRate, double epsilon, double initialAccumulator,
                                LearningRateSchedule schedule) implements Optimizer {

    @Override
    public int slots() {
        return 2;
    }

    @Override
    public double initialSlotValue(int slot) {
        return slot == 0 ? initialAccumulator : 0.0;
    }

    @Override
    public boolean normalized() {
        return true;
    }

    /** The step for parameters whose input is always 1 (biases). */
    @Override
    public boolean step(double stepSize, double scale, double l2, double[] w, double[] grad, double[][] slots) {
        return stepNormalized(stepSize, scale, l2, w, grad, slots, null, w.length);
    }

    /**
     * One step on a row-major weight matrix of {@code cols} inputs per row, where input c's largest
     * |value| over the batch is {@code inputMax[c]} (null: every input is 1). The same contract as
     * {@link #step} otherwise.
     */
    public boolean stepNormalized(double stepSize, double scale, double l2, double[] w, double[] grad, double[][] slots,
                                  double[] inputMax, int cols) {
        double eps = epsilon;
        double[] acc = slots[0];
        double[] s = slots[1];
        double nonFinite = 0.0;
        for (int off = 0; off < w.length; off += cols) {
            for (int c = 0; c < cols; c++) {
                int i = off + c;
                double seen = inputMax == null ? 1.0 : inputMax[c];
                double old = s[i];
                double wi = w[i];
                if (seen > old) {
                    wi *= (old > 0 ? old : 1.0) / seen;
                    old = seen;
                }
                double g = grad[i] * scale;
                if (l2 != 0) {
                    g += l2 * wi;
                }
                grad[i] = 0.0;
                double a = acc[i] + g * g;
                // an input never seen non-zero has no scale yet: 1, as for a bias, keeps the step bounded
                double si = old > 0 ? old : 1.0;
                wi -= stepSize * g / (si * Math.sqrt(a + eps));
                acc[i] = a;
                s[i] = old;
                w[i] = wi;
                nonFinite += wi * 0.0 + a * 0.0;
            }
        }
        return nonFinite == 0.0;
    }
}

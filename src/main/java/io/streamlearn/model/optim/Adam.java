package io.streamlearn.model.optim;

/**
 * Keras 3's Adam: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², w ← w − lr_t·m / (√v + ε) with
 * lr_t = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ), the bias correction folded into the step size as Keras does
 * (so ε is added to √v, not to √v̂). Slot 0 is m, slot 1 is v. A schedule sets lr per update, as
 * a Keras LearningRateSchedule does, before the correction.
 */
public record Adam(double learningRate, double beta1, double beta2, double epsilon, LearningRateSchedule schedule)
        implements Optimizer {

    @Override
    public int slots() {
        return 2;
    }

    @Override
    public double stepSize(long t) {
        return schedule.rate(learningRate, t) * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    }

    @Override
    public boolean step(double stepSize, double scale, double l2, double[] w, double[] grad, double[][] slots) {
        double b1 = beta1;
        double b2 = beta2;
        double eps = epsilon;
        double[] m = slots[0];
        double[] v = slots[1];
        double nonFinite = 0.0;
        for (int i = 0; i < w.length; i++) {
            double g = grad[i] * scale;
            if (l2 != 0) {
                g += l2 * w[i];
            }
            grad[i] = 0.0;
            double mi = b1 * m[i] + (1 - b1) * g;
            double vi = b2 * v[i] + (1 - b2) * g * g;
            double wi = w[i] - stepSize * mi / (Math.sqrt(vi) + eps);
            m[i] = mi;
            v[i] = vi;
            w[i] = wi;
            nonFinite += wi * 0.0 + mi * 0.0 + vi * 0.0;
        }
        return nonFinite == 0.0;
    }
}

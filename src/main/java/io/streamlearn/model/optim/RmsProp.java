package io.streamlearn.model.optim;

/**
 * Keras 3's RMSprop without momentum, not centred: v ← ρv + (1 − ρ)g², w ← w − lr·g / √(v + ε),
 * ε inside the root. Slot 0 is the mean square v.
 */
public record RmsProp(double learningRate, double rho, double epsilon, LearningRateSchedule schedule) implements Optimizer {

    @Override
    public int slots() {
        return 1;
    }

    @Override
    public boolean step(double stepSize, double scale, double l2, double[] w, double[] grad, double[][] slots) {
        double rho = this.rho;
        double eps = epsilon;
        double[] v = slots[0];
        double nonFinite = 0.0;
        for (int i = 0; i < w.length; i++) {
            double g = grad[i] * scale;
            if (l2 != 0) {
                g += l2 * w[i];
            }
            grad[i] = 0.0;
            double vi = rho * v[i] + (1 - rho) * g * g;
            double wi = w[i] - stepSize * g / Math.sqrt(vi + eps);
            v[i] = vi;
            w[i] = wi;
            nonFinite += wi * 0.0 + vi * 0.0;
        }
        return nonFinite == 0.0;
    }
}

package io.streamlearn.model.optim;

/**
 * Keras 3's RMSprop without momentum, not centred: v ← ρv + (1 − ρ)g², w ← w − lr·g / √(v + ε),
 * ε inside the root. Slot 0 is the mean square v.
 */
public record RmsProp(double learningRate, double rho, double epsilon) implements Optimizer {

    @Override
    public int slots() {
        return 1;
    }

    @Override
    public boolean step(double stepSize, double scale, double l2, double[] w, double[] grad, double[][] slots,
                        double[] wNext, double[][] slotsNext) {
        double rho = this.rho;
        double eps = epsilon;
        double[] v = slots[0];
        double[] vNext = slotsNext[0];
        boolean finite = true;
        for (int i = 0; i < w.length; i++) {
            double g = grad[i] * scale;
            if (l2 != 0) {
                g += l2 * w[i];
            }
            grad[i] = 0.0;
            double vi = rho * v[i] + (1 - rho) * g * g;
            vNext[i] = vi;
            double wi = w[i] - stepSize * g / Math.sqrt(vi + eps);
            wNext[i] = wi;
            finite &= Double.isFinite(wi) & Double.isFinite(vi);
        }
        return finite;
    }
}

package io.streamlearn.model.optim;

/** Keras' SGD with momentum (not Nesterov): v ← μv − lr·g, w ← w + v. Slot 0 is the velocity v. */
public record Momentum(double learningRate, double momentum) implements Optimizer {

    @Override
    public int slots() {
        return 1;
    }

    @Override
    public boolean step(double stepSize, double scale, double l2, double[] w, double[] grad, double[][] slots,
                        double[] wNext, double[][] slotsNext) {
        double mu = momentum;
        double[] v = slots[0];
        double[] vNext = slotsNext[0];
        boolean finite = true;
        for (int i = 0; i < w.length; i++) {
            double g = grad[i] * scale;
            if (l2 != 0) {
                g += l2 * w[i];
            }
            grad[i] = 0.0;
            double vi = mu * v[i] - stepSize * g;
            vNext[i] = vi;
            double wi = w[i] + vi;
            wNext[i] = wi;
            finite &= Double.isFinite(wi) & Double.isFinite(vi);
        }
        return finite;
    }
}

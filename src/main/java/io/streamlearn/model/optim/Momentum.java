package io.streamlearn.model.optim;

/** Keras' SGD with momentum (not Nesterov): v ← μv − lr·g, w ← w + v. Slot 0 is the velocity v. */
public record Momentum(double learningRate, double momentum, LearningRateSchedule schedule) implements Optimizer {

    @Override
    public int slots() {
        return 1;
    }

    @Override
    public boolean step(double stepSize, double scale, double l2, double[] w, double[] grad, double[][] slots) {
        double mu = momentum;
        double[] v = slots[0];
        double nonFinite = 0.0;
        for (int i = 0; i < w.length; i++) {
            double g = grad[i] * scale;
            if (l2 != 0) {
                g += l2 * w[i];
            }
            grad[i] = 0.0;
            double vi = mu * v[i] - stepSize * g;
            double wi = w[i] + vi;
            v[i] = vi;
            w[i] = wi;
            nonFinite += wi * 0.0 + vi * 0.0;
        }
        return nonFinite == 0.0;
    }
}

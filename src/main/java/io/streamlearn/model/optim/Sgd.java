package io.streamlearn.model.optim;

/** Plain gradient descent, w ← w − lr·g: no state. */
public record Sgd(double learningRate, LearningRateSchedule schedule) implements Optimizer {

    @Override
    public int slots() {
        return 0;
    }

    @Override
    public boolean step(double stepSize, double scale, double l2, double[] w, double[] grad, double[][] slots) {
        double nonFinite = 0.0;
        for (int i = 0; i < w.length; i++) {
            double g = grad[i] * scale;
            if (l2 != 0) {
                g += l2 * w[i];
            }
            grad[i] = 0.0;
            double wi = w[i] - stepSize * g;
            w[i] = wi;
            nonFinite += wi * 0.0;
        }
        return nonFinite == 0.0;
    }
}

package io.streamlearn.model.optim;

/**
 * Keras 3's Adagrad: a ← a + g², w ← w − lr·g / √(a + ε), ε inside the root. Slot 0 is the
 * accumulator a, which starts at {@code initialAccumulator} rather than 0 so the first steps are
 * not huge.
 */
public record AdaGrad(double learningRate, double epsilon, double initialAccumulator, LearningRateSchedule schedule)
        implements Optimizer {

    @Override
    public int slots() {
        return 1;
    }

    @Override
    public double initialSlotValue(int slot) {
        return initialAccumulator;
    }

    @Override
    public boolean step(double stepSize, double scale, double l2, double[] w, double[] grad, double[][] slots) {
        double eps = epsilon;
        double[] acc = slots[0];
        double nonFinite = 0.0;
        for (int i = 0; i < w.length; i++) {
            double g = grad[i] * scale;
            if (l2 != 0) {
                g += l2 * w[i];
            }
            grad[i] = 0.0;
            double a = acc[i] + g * g;
            double wi = w[i] - stepSize * g / Math.sqrt(a + eps);
            acc[i] = a;
            w[i] = wi;
            nonFinite += wi * 0.0 + a * 0.0;
        }
        return nonFinite == 0.0;
    }
}

package io.streamlearn.model.optim;

/** Plain gradient descent, w ← w − lr·g: no state. */
public record Sgd(double learningRate) implements Optimizer {

    @Override
    public int slots() {
        return 0;
    }

    @Override
    public boolean step(double stepSize, double scale, double l2, double[] w, double[] grad, double[][] slots,
                        double[] wNext, double[][] slotsNext) {
        boolean finite = true;
        for (int i = 0; i < w.length; i++) {
            double g = grad[i] * scale;
            if (l2 != 0) {
                g += l2 * w[i];
            }
            grad[i] = 0.0;
            double wi = w[i] - stepSize * g;
            wNext[i] = wi;
            finite &= Double.isFinite(wi);
        }
        return finite;
    }
}

package io.streamlearn.eval;

/**
 * Prequential (test-then-train) accuracy and log loss: each labeled example is scored by the
 * model as it was before learning from it, so the figures are honest without a held-out set.
 * Log loss clips probabilities to [1e-15, 1 - 1e-15], as scikit-learn does.
 */
public final class Prequential {
    static final double EPS = 1e-15;

    private long scored;
    private long correct;
    private double logLossSum;

    public Prequential() {
    }

    public Prequential(long scored, long correct, double logLossSum) {
        this.scored = scored;
        this.correct = correct;
        this.logLossSum = logLossSum;
    }

    /**
     * Records one prediction. {@code output} is the output layer; {@code label} the true class (0/1
     * for one output, a class index otherwise); {@code probabilityRange} maps the output to [0, 1]:
     * tanh and sign outputs live in [-1, 1].
     */
    public void record(double[] output, int predicted, int label, boolean signedOutput) {
        scored++;
        if (predicted == label) {
            correct++;
        }
        logLossSum += logLoss(output, label, signedOutput);
    }

    public static double logLoss(double[] output, int label, boolean signedOutput) {
        if (output.length == 1) {
            double p = signedOutput ? (output[0] + 1) / 2 : output[0];
            p = clip(p);
            return label == 1 ? -Math.log(p) : -Math.log(1 - p);
        }
        return -Math.log(clip(output[label]));
    }

    private static double clip(double p) {
        return Double.isNaN(p) ? 0.5 : Math.min(1 - EPS, Math.max(EPS, p));
    }

    public long scored() {
        return scored;
    }

    public long correct() {
        return correct;
    }

    public double logLossSum() {
        return logLossSum;
    }

    public double accuracy() {
        return scored == 0 ? 0 : (double) correct / scored;
    }

    public double logLoss() {
        return scored == 0 ? 0 : logLossSum / scored;
    }
}

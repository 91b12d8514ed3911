package io.streamlearn.learn;

import io.streamlearn.config.UpdateMode;
import io.streamlearn.eval.Evaluation;
import io.streamlearn.model.Network;

/**
 * {@code drift.action: background}: a second network its model trains from a drift warning on, on
 * every example the model learns after it, tested before it is trained like the model. It keeps
 * its own prequential error over those examples and the model's error over the same ones, so
 * that at the drift the two are compared on equal terms ({@link OnlineLearner} decides).
 *
 * <p>Its network is built like a fresh model's (the spec's seed, or the declared initial
 * weights), with its own optimizer state and its own feature scaler; see
 * {@link OnlineLearner#startBackground} for why fresh rather than a copy of the model.
 * Everything here is state a checkpoint carries: a restored background continues bit for bit.
 */
public final class BackgroundLearner {
    private final Network network;
    private final double[] output;
    private final long startedAt;
    private long examples;
    private double errorSum;
    private double foregroundErrorSum;

    /**
     * @param startedAt the model's example count at the warning that started it (the example that
     *                  raised it); it learns the examples after that one
     */
    public BackgroundLearner(Network network, long startedAt) {
        this.network = network;
        this.output = new double[network.outputSize()];
        this.startedAt = startedAt;
    }

    /**
     * Test, then train on one example the model has just learned, whose error for the model was
     * {@code foregroundError}. {@code label} is a classifier's class or −1 for a target-vector
     * example ({@link Evaluation#errorOf}). Allocates nothing.
     */
    void learn(double[] x, double[] target, int label, double foregroundError, Evaluation measure, UpdateMode mode) {
        network.predictForLearning(x, output);
        int predicted = network.predictClass(output);
        errorSum += measure.errorOf(output, target, predicted, label);
        foregroundErrorSum += foregroundError;
        examples++;
        if (mode.kind() == UpdateMode.Kind.COUNT) {
            network.accumulatePredicted(target);
            if (network.pendingCount() >= mode.batchSize()) {
                network.applyUpdate();
            }
        } else {
            network.learnPredicted(target);
        }
    }

    public Network network() {
        return network;
    }

    public long startedAt() {
        return startedAt;
    }

    /** Examples it was tested and trained on. */
    public long examples() {
        return examples;
    }

    public double errorSum() {
        return errorSum;
    }

    /** The model's prequential errors summed over the same examples. */
    public double foregroundErrorSum() {
        return foregroundErrorSum;
    }

    /** Its mean prequential error over its examples, NaN before the first. */
    public double error() {
        return examples == 0 ? Double.NaN : errorSum / examples;
    }

    /** The model's mean prequential error over the same examples, NaN before the first. */
    public double foregroundError() {
        return examples == 0 ? Double.NaN : foregroundErrorSum / examples;
    }

    /** Restores the counters of a checkpoint (the network is restored by its owner). */
    public void restoreCounters(long examples, double errorSum, double foregroundErrorSum) {
        this.examples = examples;
        this.errorSum = errorSum;
        this.foregroundErrorSum = foregroundErrorSum;
    }

    /** What became of the background learner at a drift. */
    public enum Verdict {
        /** It did better over its examples: its weights and optimizer state are now the model's. */
        SWAPPED,
        /** It did not do better: the model kept its own weights. */
        NOT_BETTER,
        /** It had seen fewer than the minimum of examples: the model kept its own weights. */
        TOO_FEW,
        /**
         * None was training (no warning came before the drift): the model kept its own weights,
         * and one starts now, to be compared at the next drift.
         */
        NONE
    }

    /**
     * The account of one drift under {@code background}: what the background learner did and why.
     * For {@link Verdict#NONE} the figures are 0 and NaN.
     */
    public record Outcome(Verdict verdict, long startedAt, long examples, double error, double foregroundError) {
        static final Outcome NONE = new Outcome(Verdict.NONE, 0, 0, Double.NaN, Double.NaN);

        public boolean swapped() {
            return verdict == Verdict.SWAPPED;
        }

        /** For a drift's published reason: "background learner (started at example …) swapped in". */
        public String describe() {
            if (verdict == Verdict.NONE) {
                return "no background learner was training (no warning before the drift): model kept, one starts now";
            }
            String figures = String.format(java.util.Locale.ROOT,
                    "background learner (started at example %d, error %.4f over %d examples vs %.4f)",
                    startedAt, error, examples, foregroundError);
            return switch (verdict) {
                case SWAPPED -> figures + " swapped in";
                case NOT_BETTER -> figures + " not better: model kept";
                case TOO_FEW -> figures + " too young (fewer than "
                        + io.streamlearn.config.DriftPolicy.MIN_BACKGROUND_EXAMPLES + " examples): model kept";
                case NONE -> throw new IllegalStateException();
            };
        }
    }
}

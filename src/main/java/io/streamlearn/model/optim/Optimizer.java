package io.streamlearn.model.optim;

/**
 * How one parameter array's summed gradient becomes its next values: the formulas and defaults
 * are Keras 3's (keras/src/optimizers/*.py), epsilon included. Implementations are immutable and
 * hold only hyper-parameters; every per-parameter state lives in arrays the caller owns (its
 * {@link #slots} "slots"), so one instance serves any number of networks and threads, and a
 * step allocates nothing.
 *
 * <p>A step reads the live parameters and state and writes the next ones to separate output
 * arrays: the caller decides whether to make them live (it refuses a step that is not finite),
 * so an optimizer never has to undo anything.
 */
public sealed interface Optimizer permits Sgd, Momentum, AdaGrad, RmsProp, Adam {

    /** State arrays kept per parameter array: velocity, accumulator, mean square, or Adam's m and v. */
    int slots();

    /** The value every element of state slot {@code slot} starts from. */
    default double initialSlotValue(int slot) {
        return 0.0;
    }

    /**
     * The step size of update {@code t} (1 for the first), computed once per update and passed to
     * every {@link #step} of it: the learning rate, or for Adam the learning rate with its bias
     * correction folded in.
     */
    default double stepSize(long t) {
        return learningRate();
    }

    double learningRate();

    /**
     * One step on one parameter array of length n, gradient g[i] = grad[i]·scale + l2·w[i] (the
     * L2 term only when l2 ≠ 0, so a zero penalty changes no bit).
     *
     * @param stepSize  {@link #stepSize} of this update
     * @param scale     multiplies the summed gradient (1 / batch size)
     * @param l2        L2 penalty on these parameters, 0 for none
     * @param w         the live parameters; not modified
     * @param grad      the summed gradient; modified: cleared to 0.0, ready for the next batch
     * @param slots     the live state, [slot][i]; not modified
     * @param wNext     output: the next parameters; modified
     * @param slotsNext output: the next state, [slot][i]; modified
     * @return whether every value written to {@code wNext} and {@code slotsNext} is finite:
     *         checked as each is computed, since a separate pass over the outputs costs as much
     *         as the step itself for SGD; the caller decides what a non-finite step means
     */
    boolean step(double stepSize, double scale, double l2, double[] w, double[] grad, double[][] slots,
              double[] wNext, double[][] slotsNext);
}

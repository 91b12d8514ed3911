package io.streamlearn.evaluate;

/**
 * How an evaluation runs.
 *
 * @param epochs      passes over the stream (the prequential figures cover them all)
 * @param shuffle     shuffle the examples with the seed before each pass
 * @param seed        of the shuffles and the holdout
 * @param holdout     share of the examples kept out of training and scored at the end, 0 for none
 * @param window      examples in the windowed figures and the learning curves
 * @param curvePoints points per learning curve
 * @param timeStepMs  event time between examples (example i is at i × step): what window mode counts in
 */
public record Options(int epochs, boolean shuffle, long seed, double holdout, int window, int curvePoints, long timeStepMs) {

    public Options {
        if (epochs < 1 || window < 1 || curvePoints < 2 || timeStepMs < 1 || !(holdout >= 0 && holdout < 1)) {
            throw new IllegalArgumentException("epochs, window and the time step ≥ 1, curve points ≥ 2, holdout in [0, 1)");
        }
    }

    public static Options defaults() {
        return new Options(1, false, 42L, 0.0, 1000, 200, 1);
    }
}

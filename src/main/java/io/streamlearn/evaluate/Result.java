package io.streamlearn.evaluate;

import io.streamlearn.eval.Evaluation;

/**
 * What one model did over the stream.
 *
 * @param candidate   the model
 * @param evaluation  its prequential figures (cumulative, windowed, fading, per class)
 * @param updates     weight updates applied
 * @param refused     examples it could not learn (a label out of its range, a wrong dimension)
 * @param warnings    drift warnings raised
 * @param drifts      drifts detected
 * @param lastPass    the prequential figures of the last pass alone (NaN with one pass)
 * @param test        figures on the held-out examples, null without a holdout
 * @param examplesPerSecond examples it tested and trained on per second of its own time
 * @param curve       the learning curve: windowed accuracy (regression: windowed MAE) after curve.x examples
 */
public record Result(Candidate candidate, Evaluation evaluation, long updates, long refused, long warnings, long drifts,
                     Evaluation.Figures lastPass, Evaluation.Figures test, double examplesPerSecond, Curve curve) {

    /** Points (examples seen, figure). */
    public record Curve(String figure, long[] x, double[] y) {
    }
}

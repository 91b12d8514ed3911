package io.streamlearn.model;

/**
 * What a {@link FeatureScaler} learned from some examples, as values: how many, and its state in
 * the layout of {@link FeatureScaler#exportState} (mean, M2, min, max per feature). Data-parallel
 * replicas send the statistics of each round's examples with their delta, so the merged model's
 * scaler is the one a single learner would have built from every replica's examples.
 * {@link #NONE} (no examples, no values) stands for a model that does not scale its features.
 */
public record ScalerStatistics(long count, double[] state) {
    public static final ScalerStatistics NONE = new ScalerStatistics(0, new double[0]);

    public ScalerStatistics {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
    }

    /** A copy of {@code scaler}'s statistics; {@link #NONE} for null (scaling none). */
    public static ScalerStatistics of(FeatureScaler scaler) {
        return scaler == null ? NONE : new ScalerStatistics(scaler.count(), scaler.exportState());
    }
}

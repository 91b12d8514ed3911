package io.streamlearn.retrain;

/**
 * How a replay trains: epochs, examples per update ({@code batchSize} 0 means the full batch:
 * one update per epoch), shuffling within a bounded buffer, and the deterministic share of
 * examples held out for evaluation.
 */
public record RetrainPlan(int epochs, int batchSize, boolean shuffle, long seed, double holdout, int shuffleBuffer) {
    public RetrainPlan {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("batch size must be at least 1 (or 'all'), got " + batchSize);
        }
        if (!(holdout >= 0 && holdout < 1)) {
            throw new IllegalArgumentException("holdout must be in [0, 1), got " + holdout);
        }
        if (shuffleBuffer < 1) {
            throw new IllegalArgumentException("shuffle buffer must hold at least 1 example, got " + shuffleBuffer);
        }
    }

    public boolean fullBatch() {
        return batchSize == 0;
    }
}

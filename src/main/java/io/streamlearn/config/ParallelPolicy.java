package io.streamlearn.config;

import io.streamlearn.model.MergeRule;

/**
 * Data-parallel training of one model (opt-in, {@code parallel:} in the model's config): every
 * examples partition's task trains a replica and sends what it learned (a delta) every
 * {@code syncEvery} of its examples; the model's trainer merges one round of deltas (one from every
 * replica) by {@code merge} and publishes it as the model's next version.
 */
public record ParallelPolicy(int syncEvery, MergeRule merge) {
    public static final int DEFAULT_SYNC_EVERY = 64;

    public ParallelPolicy {
        if (syncEvery < 1) {
            throw new IllegalArgumentException("syncEvery must be at least 1, got " + syncEvery);
        }
        if (merge == null) {
            merge = MergeRule.AVERAGE;
        }
    }

    public static MergeRule parseMerge(String s) {
        return MergeRule.valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    }
}

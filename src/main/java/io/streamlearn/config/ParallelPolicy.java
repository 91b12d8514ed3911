package io.streamlearn.config;

import io.streamlearn.model.MergeRule;

/**
 * Data-parallel training of one model (opt-in, {@code parallel:} in the model's config): every
 * examples partition's task trains a replica and sends what it learned (a delta) every
 * {@code syncEvery} of its examples; the model's trainer merges one round of deltas (one from every
 * replica) by {@code merge} and publishes it as the model's next version.
 *
 * @param maxLag rounds a round waits for a replica that has not sent its delta: once another
 *               replica's deltas are {@code maxLag} rounds ahead, the round is merged without it
 *               (a partition that gets few or none of the model's examples must not hold the model
 *               back forever); a delta of a round merged without it is merged alone when it comes
 */
public record ParallelPolicy(int syncEvery, MergeRule merge, int maxLag) {
    public static final int DEFAULT_SYNC_EVERY = 64;
    public static final int DEFAULT_MAX_LAG = 8;

    public ParallelPolicy {
        if (syncEvery < 1) {
            throw new IllegalArgumentException("syncEvery must be at least 1, got " + syncEvery);
        }
        if (maxLag < 1) {
            throw new IllegalArgumentException("maxLag must be at least 1, got " + maxLag);
        }
        if (merge == null) {
            merge = MergeRule.AVERAGE;
        }
    }

    /** With the default {@code maxLag}. */
    public ParallelPolicy(int syncEvery, MergeRule merge) {
        this(syncEvery, merge, DEFAULT_MAX_LAG);
    }

    public static MergeRule parseMerge(String s) {
        return MergeRule.valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    }
}

package io.streamlearn.config;

/**
 * When the trainer publishes a model to the weights topic: after every {@code everyUpdates}
 * updates, at least every {@code everyMs} of the model's own event time while updates are
 * unpublished (event time, so that a replay publishes the same versions), and once the model has
 * had no example for {@code everyMs} of wall-clock time, so a quiet model does not leave its
 * weights stale.
 */
public record SnapshotPolicy(long everyUpdates, long everyMs) {
    public static SnapshotPolicy defaults() {
        return new SnapshotPolicy(100, 1000);
    }
}

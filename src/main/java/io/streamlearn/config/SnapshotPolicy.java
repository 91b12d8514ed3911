package io.streamlearn.config;

/**
 * When the trainer publishes a model to the weights topic: after every {@code everyUpdates}
 * updates, at least every {@code everyMs} of stream time while updates are unpublished (stream
 * time, so that a replay publishes the same versions), and once its task has had no input for
 * {@code everyMs} of wall-clock time, so an idle stream does not leave the weights stale.
 */
public record SnapshotPolicy(long everyUpdates, long everyMs) {
    public static SnapshotPolicy defaults() {
        return new SnapshotPolicy(100, 1000);
    }
}

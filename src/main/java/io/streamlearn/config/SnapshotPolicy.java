package io.streamlearn.config;

/**
 * When the trainer publishes a model to the weights topic: after every {@code everyUpdates}
 * updates, and at least every {@code everyMs} of stream time while updates are unpublished.
 * Stream time, not wall clock, so that a replay publishes the same versions.
 */
public record SnapshotPolicy(long everyUpdates, long everyMs) {
    public static SnapshotPolicy defaults() {
        return new SnapshotPolicy(100, 1000);
    }
}

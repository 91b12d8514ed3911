package io.streamlearn.retrain;

/** A retrain that cannot run as asked (nothing to train on, no such model); the message says what to change. */
public final class RetrainRefused extends RuntimeException {
    public RetrainRefused(String message) {
        super(message);
    }
}

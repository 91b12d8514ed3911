package io.streamlearn.produce;

/** Input that cannot be produced as asked (unreadable, or refused by the configuration); the message says what to change. */
public final class ProduceRefused extends RuntimeException {
    public ProduceRefused(String message) {
        super(message);
    }
}

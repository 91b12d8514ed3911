package io.streamlearn.kafka;

/** No broker answered, or it refused to do what was asked: a problem of the environment, not a bug. */
public final class BrokerUnavailableException extends RuntimeException {
    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

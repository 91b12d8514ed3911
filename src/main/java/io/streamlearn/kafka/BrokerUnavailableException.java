package io.streamlearn.kafka;

/**
 * No broker answered, it refused to do what was asked (authentication included), or the client's
 * security settings cannot work: a problem of the environment or the configuration, not a bug.
 */
public final class BrokerUnavailableException extends RuntimeException {
    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

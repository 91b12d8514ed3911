package io.streamlearn.broker;

/**
 * The embedded broker could not start (a port in use, an unusable log directory). Its message is
 * meant for a user, so a command can print it as one line instead of a stack trace.
 */
public final class BrokerStartException extends RuntimeException {

    BrokerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}

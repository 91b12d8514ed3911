package io.streamlearn.codec;

/**
 * A record that cannot be used, with the reason it goes to the dead-letter topic. Thrown on the
 * record path instead of returned so codecs stay simple; it carries no stack trace because it is
 * an expected outcome, not a bug, and bad input can arrive at full speed.
 */
public final class InvalidRecordException extends RuntimeException {
    private final DeadLetterReason reason;

    public InvalidRecordException(DeadLetterReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}

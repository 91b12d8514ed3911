package io.streamlearn.app;

import io.streamlearn.config.StreamlearnConfig;

/**
 * The learner stopped by itself while a command relied on it. Its message is the whole report, on
 * one line ({@link LearnerFailure#describe}); the cause, whose own message may span lines, is
 * kept for a stack trace on request.
 */
public final class LearnerStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LearnerStoppedException(Throwable cause, StreamlearnConfig config) {
        super("the learner stopped: " + LearnerFailure.describe(cause, config), cause);
    }
}

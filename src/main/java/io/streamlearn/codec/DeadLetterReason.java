package io.streamlearn.codec;

/**
 * Why a record was sent to the dead-letter topic. A bounded set, so it can be a metric tag and a
 * header value that consumers switch on; the free-text detail travels in a separate header.
 */
public enum DeadLetterReason {
    /** The record has no value (a tombstone or a null). */
    NULL_VALUE,
    /** The bytes are not valid in the topic's format: malformed JSON, a bad Avro header, truncated Avro. */
    UNDECODABLE,
    /** Avro single-object encoding with a schema fingerprint this application does not know. */
    WRONG_SCHEMA,
    /** A required field (features, label) is absent. */
    MISSING_FIELD,
    /** A feature or label is NaN or infinite. */
    NON_FINITE_VALUE,
    /** The feature vector's length differs from the model's input size. */
    WRONG_DIMENSION,
    /** The feature vector is longer than the configured limit; it was not read in full. */
    TOO_MANY_FEATURES,
    /** The label is not valid for the model (not 0/1, not a class index, wrong vector length). */
    LABEL_OUT_OF_RANGE,
    /** The record names a model that is not configured. */
    UNKNOWN_MODEL,
    /**
     * The record names a model retired from the catalogue ({@code streamlearn model retire}): it is
     * neither trained nor scored; its newest weights stay on the weights topic. {@code model add}
     * brings it back.
     */
    MODEL_RETIRED,
    /** An event for a model that has not published any weights yet. */
    NO_WEIGHTS_YET,
    /**
     * A window-mode example whose event-time window had already closed (the model's own event time
     * had passed the window's end plus its grace): not learned, counted in the model's late records.
     * The detail names the window and when it closed.
     */
    LATE,
    /**
     * An example stamped further ahead of the learner's wall clock than its model tolerates
     * ({@code maxFutureMs}): not learned, so it cannot move the model's event time. Its dead letter
     * is stamped with the learner's clock; the original timestamp is in {@code streamlearn.dlq.timestamp}.
     */
    FUTURE_TIMESTAMP,
    /** Processing the record failed unexpectedly; the detail says how. */
    PROCESSING_ERROR,
    /**
     * The record, or what it would produce, is too large to be written: its scored event is over
     * the scored-events topic's limit, or its dead letter over the dead-letters topic's limit. In
     * the latter case the dead letter carries a prefix of the original value, its size and hash,
     * and the reason it was refused for ({@code streamlearn.dlq.original.reason}).
     */
    TOO_LARGE
}

package io.streamlearn.topology;

import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.config.ModelResolver;
import io.streamlearn.model.RecordCheck;

/** A record the model cannot take, as the dead letter that carries it. */
final class RecordProblems {
    private RecordProblems() {
    }

    static InvalidRecordException invalid(RecordCheck.Problem p) {
        DeadLetterReason reason = switch (p.kind()) {
            case WRONG_DIMENSION -> DeadLetterReason.WRONG_DIMENSION;
            case NON_FINITE_VALUE -> DeadLetterReason.NON_FINITE_VALUE;
            case LABEL_OUT_OF_RANGE -> DeadLetterReason.LABEL_OUT_OF_RANGE;
        };
        return new InvalidRecordException(reason, p.detail());
    }

    /** A record whose {@code model} field names a model the configuration does not declare. */
    static InvalidRecordException unknownModel(ModelResolver resolver, String fieldModel) {
        return new InvalidRecordException(DeadLetterReason.UNKNOWN_MODEL, resolver.notDeclared(fieldModel));
    }

    /** A record of a model retired from the catalogue. */
    static InvalidRecordException retired(String model) {
        return new InvalidRecordException(DeadLetterReason.MODEL_RETIRED, ModelResolver.retired(model));
    }
}

package io.streamlearn.config;

import java.util.Locale;

/**
 * How weights are calculated: when the averaged gradient of the examples seen so far is applied.
 * {@code FULL_BATCH} exists only in a replay (retrain), where an epoch is bounded.
 */
public record UpdateMode(Kind kind, int batchSize, long windowMs) {

    public enum Kind {
        /** One update per example. */
        STOCHASTIC,
        /** Average the gradient of {@code batchSize} examples, then update. */
        COUNT,
        /**
         * Average over a tumbling event-time window of {@code windowMs}; update when the model's own
         * event time passes its end (plus its grace, {@link EventTimePolicy#graceMs}).
         */
        WINDOW,
        /** Retrain only: one update per epoch over every example. */
        FULL_BATCH;

        public static Kind parse(String s) {
            String n = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            if (n.equals("MINI_BATCH") || n.equals("MINIBATCH")) {
                return COUNT;
            }
            if (n.equals("SGD")) {
                return STOCHASTIC;
            }
            return valueOf(n);
        }

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static UpdateMode stochastic() {
        return new UpdateMode(Kind.STOCHASTIC, 1, 0);
    }

    public static UpdateMode count(int batchSize) {
        return new UpdateMode(Kind.COUNT, batchSize, 0);
    }

    public static UpdateMode window(long windowMs) {
        return new UpdateMode(Kind.WINDOW, 0, windowMs);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case STOCHASTIC -> "stochastic";
            case COUNT -> "mini-batch of " + batchSize;
            case WINDOW -> "window of " + windowMs + " ms";
            case FULL_BATCH -> "full batch";
        };
    }
}

package io.streamlearn.config;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a model does when its drift detector finds that its prequential error rose.
 * {@code report} counts it (and the learner reports it); {@code reset} also forgets the
 * optimizer's state (AdaGrad's accumulated squares, Adam's moments), whose step sizes have
 * shrunk over the old concept, so the model moves as fast as a new one towards the new concept
 * while keeping its weights.
 */
public record DriftPolicy(Action action) {

    public enum Action {
        REPORT, RESET;

        public static Action parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown drift action '" + name + "' (expected one of "
                        + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ")");
            }
        }

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static DriftPolicy report() {
        return new DriftPolicy(Action.REPORT);
    }
}

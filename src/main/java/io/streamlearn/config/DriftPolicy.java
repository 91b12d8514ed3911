package io.streamlearn.config;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a model does when its drift detector finds that its prequential error rose.
 * {@code report} counts it (and the learner reports it); {@code reset} also forgets the
 * optimizer's state (AdaGrad's accumulated squares, Adam's moments), whose step sizes have
 * shrunk over the old concept, so the model moves as fast as a new one towards the new concept
 * while keeping its weights. {@code background} trains a second network from a warning on, as adaptive
 * random forests do, and swaps it in at the drift when it did better over the same examples.
 */
public record DriftPolicy(Action action) {
    /**
     * A background learner is swapped in only after it has been tested on at least this many
     * examples: one ADWIN check ({@code Adwin.CLOCK}, 32 examples) after the warning reaches it, so
     * an abrupt change can be answered at the first drift after a warning, while a comparison of
     * two error rates over fewer examples would be mostly noise.
     */
    public static final long MIN_BACKGROUND_EXAMPLES = 30;
    /**
     * A background learner is dropped when neither a warning nor a drift has come for this many
     * examples: the warning was a false alarm (or the change too small for
     * a drift), and a second network trained for ever would double the cost of every example.
     * The next warning starts a fresh one.
     */
    public static final long BACKGROUND_PATIENCE = 2000;

    public enum Action {
        REPORT, RESET, BACKGROUND;

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

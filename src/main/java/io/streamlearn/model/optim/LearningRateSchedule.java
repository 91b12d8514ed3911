package io.streamlearn.model.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the learning rate η₀ changes with the update count t (1 for the first update):
 * <ul>
 *   <li>{@code constant}: η₀ (the same bits as no schedule at all);</li>
 *   <li>{@code invscaling}: η₀ / t^powerT, scikit-learn's {@code invscaling};</li>
 *   <li>{@code step}: η₀ · decayRate^⌊(t − 1) / decaySteps⌋, a drop every decaySteps updates;</li>
 *   <li>{@code exponential}: η₀ · decayRate^((t − 1) / decaySteps), the same decay smoothly (Keras'
 *       ExponentialDecay, whose step count starts at 0 as t − 1 does).</li>
 * </ul>
 * A rate is computed once per update, so a schedule costs one {@code pow} per update and allocates
 * nothing. A decaying rate suits a stationary stream; a drifting one needs a rate that stays up.
 */
public record LearningRateSchedule(Kind kind, double powerT, long decaySteps, double decayRate) {

    public enum Kind {
        CONSTANT, INVSCALING, STEP, EXPONENTIAL;

        public static Kind parse(String name) {
            String n = name.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
            if (n.equals("INVERSESCALING") || n.equals("INVERSE")) {
                return INVSCALING;
            }
            try {
                return valueOf(n);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown schedule '" + name + "' (expected one of "
                        + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ")");
            }
        }

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** scikit-learn's power_t; a rate halved every 1000 updates for step and exponential decay. */
    public static final double DEFAULT_POWER_T = 0.5;
    public static final long DEFAULT_DECAY_STEPS = 1000;
    public static final double DEFAULT_DECAY_RATE = 0.5;

    /** The learning rate as configured, at every update. */
    public static final LearningRateSchedule CONSTANT =
            new LearningRateSchedule(Kind.CONSTANT, DEFAULT_POWER_T, DEFAULT_DECAY_STEPS, DEFAULT_DECAY_RATE);

    public static LearningRateSchedule of(Kind kind) {
        return new LearningRateSchedule(kind, DEFAULT_POWER_T, DEFAULT_DECAY_STEPS, DEFAULT_DECAY_RATE);
    }

    /** The rate of update {@code t} (1 for the first) for a base rate {@code eta0}. */
    public double rate(double eta0, long t) {
        return switch (kind) {
            case CONSTANT -> eta0;
            case INVSCALING -> eta0 / Math.pow(t, powerT);
            case STEP -> eta0 * Math.pow(decayRate, (t - 1) / decaySteps);
            case EXPONENTIAL -> eta0 * Math.pow(decayRate, (double) (t - 1) / decaySteps);
        };
    }

    /** Every problem with these values; empty when they make a schedule. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (kind == null) {
            p.add("a schedule kind is required (constant, invscaling, step or exponential)");
        }
        if (!(powerT >= 0 && powerT <= 1)) {
            p.add("powerT must be in [0, 1], got " + powerT);
        }
        if (decaySteps < 1) {
            p.add("decaySteps must be at least 1, got " + decaySteps);
        }
        if (!(decayRate > 0 && decayRate <= 1)) {
            p.add("decayRate must be in (0, 1], got " + decayRate);
        }
        return p;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CONSTANT -> "constant";
            case INVSCALING -> "invscaling (power " + powerT + ")";
            case STEP -> "step (×" + decayRate + " every " + decaySteps + ")";
            case EXPONENTIAL -> "exponential (×" + decayRate + " per " + decaySteps + ")";
        };
    }
}

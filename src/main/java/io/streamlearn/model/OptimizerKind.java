package io.streamlearn.model;

import java.util.Arrays;
import java.util.Locale;

/** How a gradient becomes a weight change. Formulas and defaults are Keras'. */
public enum OptimizerKind {
    SGD(0), MOMENTUM(1), ADAGRAD(1), RMSPROP(1), ADAM(2);

    private final int slots;

    OptimizerKind(int slots) {
        this.slots = slots;
    }

    /** State arrays kept per parameter array: velocity, accumulator, mean square, or Adam's m and v. */
    public int slots() {
        return slots;
    }

    public static OptimizerKind parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "' (expected one of "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ")");
        }
    }
}

package io.streamlearn.model;

import java.util.Arrays;
import java.util.Locale;

/** Which optimizer a config names; {@link OptimizerSpec#optimizer()} builds it. */
public enum OptimizerKind {
    SGD, MOMENTUM, ADAGRAD, RMSPROP, ADAM;

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

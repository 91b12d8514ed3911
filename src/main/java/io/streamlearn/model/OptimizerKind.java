package io.streamlearn.model;

import java.util.Arrays;
import java.util.Locale;

/** Which optimizer a config names; {@link OptimizerSpec#optimizer()} builds it. */
public enum OptimizerKind {
    SGD, MOMENTUM, ADAGRAD, RMSPROP, ADAM,
    /** AdaGrad with each weight's step divided by the largest |input| it has met (Vowpal Wabbit's --adaptive --normalized). */
    NORMALIZED_ADAGRAD;

    public static OptimizerKind parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        if (n.equals("NORMALIZED")) {
            return NORMALIZED_ADAGRAD;
        }
        for (OptimizerKind k : values()) {
            if (k.name().replace("_", "").equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown optimizer '" + name + "' (expected one of "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ")");
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.streamlearn.model;

import java.util.Arrays;
import java.util.Locale;

/** How a model scales its raw features before the first layer; {@link FeatureScaler} does it. */
public enum Scaling {
    /** The features as they come: what explicit initial weights (the tutorial's OR) were chosen for. */
    NONE,
    /** (x − mean) / standard deviation, both running over the examples learned so far. */
    STANDARD,
    /** (x − min) / (max − min) over the examples learned so far: [0, 1] for what was seen, outside it for new extremes. */
    MINMAX;

    public static Scaling parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        if (n.equals("STANDARDIZE") || n.equals("ZSCORE")) {
            return STANDARD;
        }
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scaling '" + name + "' (expected one of "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ")");
        }
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

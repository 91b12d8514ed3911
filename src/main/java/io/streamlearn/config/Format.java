package io.streamlearn.config;

import java.util.Locale;

/** How the values of one topic are written. */
public enum Format {
    /** Avro single-object encoding: header C3 01, the 8-byte schema fingerprint, then binary Avro. */
    AVRO,
    /** UTF-8 JSON in the shapes documented in README. */
    JSON;

    public static Format parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown format '" + s + "' (expected avro or json)");
        }
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

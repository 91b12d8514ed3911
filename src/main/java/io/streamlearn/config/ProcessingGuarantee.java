package io.streamlearn.config;

import java.util.Locale;

/** Kafka Streams' processing guarantee, restricted to the two this project supports. */
public enum ProcessingGuarantee {
    EXACTLY_ONCE_V2("exactly_once_v2"),
    AT_LEAST_ONCE("at_least_once");

    private final String streamsValue;

    ProcessingGuarantee(String streamsValue) {
        this.streamsValue = streamsValue;
    }

    public String streamsValue() {
        return streamsValue;
    }

    public static ProcessingGuarantee parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (ProcessingGuarantee g : values()) {
            if (g.streamsValue.equals(n) || (g == EXACTLY_ONCE_V2 && n.equals("exactly_once"))) {
                return g;
            }
        }
        throw new IllegalArgumentException(s);
    }
}

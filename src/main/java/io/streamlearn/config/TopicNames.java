package io.streamlearn.config;

/** The five topics, with the configured prefix already applied. */
public record TopicNames(String examples, String events, String scoredEvents, String weights, String deadLetters) {

    public static TopicNames withPrefix(String prefix) {
        String p = prefix == null ? "" : prefix;
        return new TopicNames(p + "examples", p + "events", p + "scored-events", p + "weights", p + "dead-letters");
    }

    public java.util.List<String> all() {
        return java.util.List.of(examples, events, scoredEvents, weights, deadLetters);
    }
}

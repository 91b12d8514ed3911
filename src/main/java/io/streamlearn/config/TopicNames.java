package io.streamlearn.config;

import java.util.List;

/**
 * The application's topics, with the configured prefix already applied. {@code requests} carries
 * what the trainer is asked to publish as a model's next version (a retrain's or a rollback's
 * weights): the trainer is the one writer of every version number. {@code weightsHistory} keeps
 * every published version, for a time, where the compacted {@code weights} keeps the newest.
 * {@code drift} has a record for every drift a model's detector finds. {@code catalogue} (compacted,
 * keyed by model id) holds the models every instance trains and scores, seeded by the configuration
 * file and changed by {@code streamlearn model add|set|retire}.
 */
public record TopicNames(String examples, String events, String scoredEvents, String weights, String deadLetters,
                         String requests, String weightsHistory, String drift, String catalogue) {

    public static TopicNames withPrefix(String prefix) {
        String p = prefix == null ? "" : prefix;
        return new TopicNames(p + "examples", p + "events", p + "scored-events", p + "weights", p + "dead-letters",
                p + "model-requests", p + "weights-history", p + "drift", p + "models");
    }

    public List<String> all() {
        return List.of(examples, events, scoredEvents, weights, deadLetters, requests, weightsHistory, drift, catalogue);
    }
}

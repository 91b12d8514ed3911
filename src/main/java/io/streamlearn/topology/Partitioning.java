package io.streamlearn.topology;

import io.streamlearn.config.StreamlearnConfig;

/**
 * How many partitions the examples topic really has, read at start. Every model must be learned
 * by one task, in order: when examples are spread over several partitions they are re-keyed by
 * model id first, whatever {@code topics.partitions} says; otherwise each partition's task would
 * train its own copy of every model, all publishing under one key.
 *
 * @param examples partitions of the examples topic
 * @param training partitions of what the trainer reads (the re-keying topic, or examples itself),
 *                 and so of the requests topic and the model store's changelog
 */
public record Partitioning(int examples, int training) {

    /** The counts the configuration asks for, as on topics it creates. */
    public static Partitioning declared(StreamlearnConfig config) {
        return of(config, config.partitions());
    }

    /** With {@code examples} partitions found on the broker. */
    public static Partitioning of(StreamlearnConfig config, int examples) {
        return new Partitioning(examples, examples > 1 || config.partitions() > 1 ? config.partitions() : 1);
    }

    /** Whether examples are re-keyed by model through the internal topic before training. */
    public boolean rekeys(StreamlearnConfig config) {
        return examples > 1 || config.partitions() > 1;
    }
}

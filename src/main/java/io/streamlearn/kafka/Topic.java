package io.streamlearn.kafka;

import io.streamlearn.codec.Codec;
import java.util.function.Supplier;

/**
 * One topic as the code sees it: its configured name and the codec of its configured format,
 * paired once (in {@link Topics}) so no caller can read a topic with another topic's format.
 *
 * @param <T> what a record's value decodes to
 */
public final class Topic<T> {
    private final String name;
    private final Supplier<Codec<T>> codecs;

    Topic(String name, Supplier<Codec<T>> codecs) {
        this.name = name;
        this.codecs = codecs;
    }

    public String name() {
        return name;
    }

    /** A new codec: codecs reuse buffers, so each thread asks for its own. */
    public Codec<T> codec() {
        return codecs.get();
    }

    @Override
    public String toString() {
        return name;
    }
}

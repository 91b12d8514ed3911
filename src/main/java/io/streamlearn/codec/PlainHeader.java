package io.streamlearn.codec;

import java.util.Arrays;
import java.util.Objects;
import org.apache.kafka.common.header.Header;

/**
 * A record header. Kafka's own implementation lives in an internals package (no compatibility
 * promise), while {@link Header} and the constructors that take headers are public.
 */
public record PlainHeader(String key, byte[] value) implements Header {
    public PlainHeader {
        Objects.requireNonNull(key, "key");
    }

    // Value equality, as Kafka's headers have: a record would compare the arrays by identity.
    @Override
    public boolean equals(Object o) {
        return o instanceof PlainHeader h && key.equals(h.key) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "PlainHeader(key = " + key + ", value = " + Arrays.toString(value) + ")";
    }
}

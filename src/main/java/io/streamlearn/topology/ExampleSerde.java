package io.streamlearn.topology;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.Example;
import io.streamlearn.codec.Format;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Validated examples on the internal repartition topic, as Avro. Serializers in a topology are
 * shared by every stream thread and codecs reuse buffers, hence one codec per thread.
 */
final class ExampleSerde implements Serializer<Example>, Deserializer<Example> {
    private final ThreadLocal<Codec<Example>> codec;

    ExampleSerde(int maxFeatures) {
        this.codec = ThreadLocal.withInitial(() -> Codecs.examples(Format.AVRO, maxFeatures));
    }

    @Override
    public byte[] serialize(String topic, Example data) {
        return data == null ? null : codec.get().encode(data);
    }

    @Override
    public Example deserialize(String topic, byte[] data) {
        return data == null ? null : codec.get().decode(data);
    }
}

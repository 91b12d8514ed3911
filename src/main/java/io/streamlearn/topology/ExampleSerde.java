package io.streamlearn.topology;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.Format;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Validated examples on the internal repartition topic, as Avro. Serializers in a topology are
 * shared by every stream thread and codecs reuse buffers, hence one codec per thread.
 */
final class ExampleSerde {
    private final ThreadLocal<Codec<LabeledExample>> codec;

    ExampleSerde(int maxFeatures) {
        this.codec = ThreadLocal.withInitial(() -> Codecs.examples(Format.AVRO, maxFeatures));
    }

    Serializer<LabeledExample> serializer() {
        return (topic, data) -> data == null ? null : codec.get().encode(data);
    }

    Deserializer<LabeledExample> deserializer() {
        return (topic, data) -> data == null ? null : codec.get().decode(data);
    }
}

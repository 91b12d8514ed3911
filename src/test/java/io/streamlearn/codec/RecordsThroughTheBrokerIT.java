package io.streamlearn.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.config.Format;
import io.streamlearn.testing.ByteRecords;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.TestTopics;
import io.streamlearn.testing.WithKafka;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A labeled example in each wire format, produced to a topic on the real broker and consumed
 * back: the bytes arrive unchanged and decode to the same example, both with our codecs and with
 * Avro's own generated class (single-object encoding) or a plain JSON parser.
 */
@WithKafka
class RecordsThroughTheBrokerIT {
    private static final LabeledExample EXAMPLE = LabeledExample.of("e1", "default", new double[] {0.5, 1.2}, 1);

    private static ConsumerRecord<byte[], byte[]> roundTrip(KafkaCluster kafka, byte[] value) {
        String topic = kafka.createTopic("codec", 1);
        ByteRecords.send(kafka.bootstrapServers(), topic, "k1".getBytes(StandardCharsets.UTF_8), value);
        List<ConsumerRecord<byte[], byte[]>> read =
                ByteRecords.readInGroup(kafka.bootstrapServers(), topic, TestTopics.uniqueName("codec"), 1);
        assertEquals(1, read.size());
        assertArrayEquals(value, read.get(0).value(), "the broker hands back the bytes it was given");
        return read.get(0);
    }

    private static void assertSameExample(LabeledExample got) {
        assertEquals(EXAMPLE.id(), got.id());
        assertEquals(EXAMPLE.model(), got.model());
        assertArrayEquals(EXAMPLE.features(), got.features());
        assertEquals(EXAMPLE.label(), got.label());
    }

    @Test
    void anAvroExampleCrossesTheBroker(KafkaCluster kafka) throws Exception {
        Codec<LabeledExample> codec = Codecs.examples(Format.AVRO, 1000);
        ConsumerRecord<byte[], byte[]> r = roundTrip(kafka, codec.encode(EXAMPLE));
        assertSameExample(codec.decode(r.value()));
        // Any Avro reader with the schema reads it, no registry involved.
        io.streamlearn.avro.LabeledExample avro = io.streamlearn.avro.LabeledExample.getDecoder().decode(ByteBuffer.wrap(r.value()));
        assertEquals("e1", avro.getId());
        assertEquals(List.of(0.5, 1.2), avro.getFeatures());
        assertEquals(1.0, avro.getLabel());
    }

    @Test
    void aJsonExampleCrossesTheBroker(KafkaCluster kafka) throws Exception {
        Codec<LabeledExample> codec = Codecs.examples(Format.JSON, 1000);
        byte[] documented = "{\"id\": \"e1\", \"model\": \"default\", \"features\": [0.5, 1.2], \"label\": 1}"
                .getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<byte[], byte[]> r = roundTrip(kafka, documented);
        assertSameExample(codec.decode(r.value()));
        // What our codec writes crosses too, and any JSON parser reads the documented fields from it.
        ConsumerRecord<byte[], byte[]> ours = roundTrip(kafka, codec.encode(EXAMPLE));
        JsonNode json = new ObjectMapper().readTree(ours.value());
        assertEquals("e1", json.get("id").asText());
        assertEquals(1.2, json.get("features").get(1).asDouble());
        assertEquals(1.0, json.get("label").asDouble());
        assertSameExample(codec.decode(ours.value()));
    }
}

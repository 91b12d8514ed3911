package io.streamlearn.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Proves the container route on its own, independent of which cluster {@link KafkaBroker} picked.
 * Skipped, not failed, where there is no Docker engine.
 */
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersKafkaIT {

    @Container
    private static final KafkaContainer KAFKA = KafkaContainers.create();

    @Test
    void producesAndConsumesOneRecord() {
        KafkaCluster cluster = new KafkaCluster(KafkaCluster.TESTCONTAINERS, KAFKA.getBootstrapServers());
        String topic = cluster.createTopic("container", 1);
        byte[] value = "hello".getBytes(StandardCharsets.UTF_8);

        ByteRecords.send(cluster.bootstrapServers(), topic, null, value);
        List<ConsumerRecord<byte[], byte[]>> read = ByteRecords.readPartitionZero(cluster.bootstrapServers(), topic, 1);

        assertEquals(1, read.size());
        assertArrayEquals(value, read.get(0).value());
    }
}

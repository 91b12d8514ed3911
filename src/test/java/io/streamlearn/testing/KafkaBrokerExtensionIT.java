package io.streamlearn.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithKafka
class KafkaBrokerExtensionIT {

    private static KafkaCluster fromBeforeAll;

    @BeforeAll
    static void remember(KafkaCluster kafka) {
        fromBeforeAll = kafka;
    }

    @Test
    void choosesTheClusterThatFitsTheMachine(KafkaCluster kafka) {
        // Without Docker (as on the build machine) this is "embedded".
        assertEquals(KafkaBroker.chosenKind(), kafka.kind());
    }

    @Test
    void sharesOneClusterAcrossInjectionPoints(KafkaCluster kafka) {
        assertEquals(fromBeforeAll, kafka);
    }

    @Test
    void createsTopicsWithTheRequestedPartitions(KafkaCluster kafka) throws Exception {
        String topic = kafka.createTopic("partitions", 3);
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            int partitions = admin.describeTopics(Set.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic).partitions().size();
            assertEquals(3, partitions);
        }
    }

    @Test
    void producesAndConsumesThroughAConsumerGroup(KafkaCluster kafka) {
        String topic = kafka.createTopic("roundtrip", 1);
        byte[] key = bytes("key");
        byte[] value = bytes("value");

        ByteRecords.send(kafka.bootstrapServers(), topic, key, value);
        List<ConsumerRecord<byte[], byte[]>> read =
                ByteRecords.readInGroup(kafka.bootstrapServers(), topic, TestTopics.uniqueName("group"), 1);

        assertEquals(1, read.size());
        assertArrayEquals(key, read.get(0).key());
        assertArrayEquals(value, read.get(0).value());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package io.streamlearn.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

@WithKafka
class KafkaBrokerExtensionIT {

    private static KafkaCluster fromBeforeAll;

    @BeforeAll
    static void remember(KafkaCluster kafka) {
        fromBeforeAll = kafka;
    }

    @Test
    void theClusterIsTheKindThisMachineCalledFor(KafkaCluster kafka) {
        // Docker asked here, not through KafkaBroker, so that a wrong answer there shows:
        // without a forced kind and without Docker, this is the embedded broker.
        boolean docker = DockerClientFactory.instance().isDockerAvailable();
        String forced = System.getProperty(KafkaBroker.KIND_PROPERTY, "");
        String expected = !forced.isBlank() ? forced.trim().toLowerCase(java.util.Locale.ROOT)
                : docker ? KafkaCluster.TESTCONTAINERS : KafkaCluster.EMBEDDED;
        assertEquals(expected, kafka.kind(), "Docker engine available: " + docker + ", forced: '" + forced + "'");
    }

    /**
     * The shared cluster logged its line before any test could listen (perhaps in another class),
     * so this starts a second one the same way, with a list appender on the extension's logger.
     */
    @Test
    void logsWhichBrokerItStarted() {
        Logger logger = (Logger) LoggerFactory.getLogger(KafkaBroker.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        Level before = logger.getLevel();
        logger.setLevel(Level.INFO);
        try (KafkaBroker.SharedCluster started = KafkaBroker.startShared()) {
            KafkaCluster cluster = started.cluster();
            List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.startsWith("Integration tests use ")).toList();
            assertEquals(1, lines.size(), "one line naming the broker: " + appender.list);
            String line = lines.get(0);
            assertTrue(line.contains(cluster.bootstrapServers()), line);
            if (cluster.kind().equals(KafkaCluster.EMBEDDED)) {
                assertTrue(line.startsWith("Integration tests use the embedded KRaft broker at "), line);
                boolean forced = !System.getProperty(KafkaBroker.KIND_PROPERTY, "").isBlank();
                assertTrue(line.endsWith(forced ? "(chosen with -D" + KafkaBroker.KIND_PROPERTY + ")" : "(no Docker engine found)"), line);
            } else {
                assertTrue(line.startsWith("Integration tests use Testcontainers Kafka (" + KafkaContainers.IMAGE + ")"), line);
            }
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(before);
        }
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

package io.streamlearn.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.testing.ByteRecords;
import io.streamlearn.testing.KafkaCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's own life cycle: data that survives a restart, and directories that do not outlive it. */
class EmbeddedKafkaBrokerIT {

    private static final byte[] KEY = "model-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = "weights".getBytes(StandardCharsets.UTF_8);

    @Test
    void restartsOnItsLogDirWithTheSameDataAddressAndCluster(@TempDir Path tmp) {
        Path logDir = tmp.resolve("broker");
        String topic;
        String bootstrap;
        String clusterId;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(logDir).start()) {
            bootstrap = broker.bootstrapServers();
            clusterId = broker.clusterId();
            topic = embedded(broker).createTopic("restart", 1);
            ByteRecords.send(bootstrap, topic, KEY, VALUE);
            assertOneRecord(ByteRecords.readPartitionZero(bootstrap, topic, 1));
        }
        assertTrue(Files.isRegularFile(logDir.resolve("meta.properties")), "a given log dir is kept by default");

        try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.builder().logDir(logDir).keepLogDir(true).start()) {
            assertEquals(bootstrap, again.bootstrapServers(), "same port as the previous run");
            assertEquals(clusterId, again.clusterId(), "not formatted again");
            assertOneRecord(ByteRecords.readPartitionZero(again.bootstrapServers(), topic, 1));
        }
        assertTrue(Files.isDirectory(logDir));
    }

    /** Old-stamped records (a replayed data set) must not be deleted by time-based retention. */
    @Test
    void keepsRecordsWhateverTheirTimestamps() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start();
             org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                     java.util.Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            String topic = embedded(broker).createTopic("retention", 1);
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertEquals("-1", config.get("retention.ms").value(), "a new topic keeps its records for ever");
        }
    }

    @Test
    void removesItsTemporaryLogDirOnCloseOnlyOnce() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start();
        Path logDir = broker.logDir();
        assertTrue(Files.isRegularFile(logDir.resolve("meta.properties")));

        broker.close();
        assertFalse(Files.exists(logDir), "temporary log dir removed");
        broker.close();
    }

    @Test
    void keepsATemporaryLogDirWhenAsked() throws IOException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().keepLogDir(true).start();
        Path logDir = broker.logDir();
        try {
            broker.close();
            assertTrue(Files.isRegularFile(logDir.resolve("meta.properties")));
        } finally {
            Utils.delete(logDir.toFile());
        }
    }

    @Test
    void refusesATakenPortWithAPlainMessage() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            BrokerStartException e = assertThrows(BrokerStartException.class,
                    () -> EmbeddedKafkaBroker.builder().port(port).start());
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        }
    }

    private static KafkaCluster embedded(EmbeddedKafkaBroker broker) {
        return new KafkaCluster(KafkaCluster.EMBEDDED, broker.bootstrapServers());
    }

    private static void assertOneRecord(List<ConsumerRecord<byte[], byte[]>> records) {
        assertEquals(1, records.size());
        assertArrayEquals(KEY, records.get(0).key());
        assertArrayEquals(VALUE, records.get(0).value());
    }
}

package io.streamlearn.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Whether the running learner (its consumer group is the application id) has processed every
 * record of its input topics: held-out events sent after that are scored by the weights trained
 * on every example sent before them, not by whatever version happened to be published first.
 */
final class LearnerProgress implements AutoCloseable {
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String group;
    private final String examples;

    LearnerProgress(Properties client, String group, String examplesTopic) {
        Properties a = new Properties();
        a.putAll(client);
        this.admin = Admin.create(a);
        Properties c = new Properties();
        c.putAll(client);
        // The learner writes its internal topics in transactions: their stable end is what it can reach.
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.group = group;
        this.examples = examplesTopic;
    }

    /**
     * True when the group's committed offset reaches the end of every partition it reads and of
     * every non-empty examples partition. Committed offsets are read before the end offsets, so a
     * true answer covers every record written before the call.
     */
    boolean caughtUp() throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
        Map<TopicPartition, Long> position = new HashMap<>();
        committed.forEach((tp, o) -> position.put(tp, o == null ? 0L : o.offset()));
        List<PartitionInfo> parts = consumer.partitionsFor(examples, Duration.ofSeconds(10));
        Set<TopicPartition> all = new java.util.HashSet<>(position.keySet());
        for (PartitionInfo pi : parts) {
            all.add(new TopicPartition(examples, pi.partition()));
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(all, Duration.ofSeconds(10));
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (position.getOrDefault(end.getKey(), 0L) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
        admin.close(Duration.ofSeconds(2));
    }
}

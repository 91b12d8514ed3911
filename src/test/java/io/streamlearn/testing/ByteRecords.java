package io.streamlearn.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes and reads raw records, for tests about the plumbing rather than the data: byte arrays
 * keep serialization out of what is tested.
 */
public final class ByteRecords {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    private ByteRecords() {
    }

    /** Sends one record and waits for the broker's acknowledgement. */
    public static RecordMetadata send(String bootstrapServers, String topic, byte[] key, byte[] value) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send to " + topic + " on " + bootstrapServers, e);
        }
    }

    /** Reads partition 0 from its start without a consumer group: no group coordination to wait for. */
    public static List<ConsumerRecord<byte[], byte[]>> readPartitionZero(String bootstrapServers, String topic, int expected) {
        TopicPartition partition = new TopicPartition(topic, 0);
        return read(bootstrapServers, Map.of(), expected, consumer -> {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
        });
    }

    /** Reads all partitions as member of {@code groupId}, so offsets and rebalancing are exercised too. */
    public static List<ConsumerRecord<byte[], byte[]>> readInGroup(String bootstrapServers, String topic,
                                                                   String groupId, int expected) {
        Map<String, Object> group = Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return read(bootstrapServers, group, expected, consumer -> consumer.subscribe(List.of(topic)));
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String bootstrapServers, Map<String, Object> extra,
                                                             int expected,
                                                             Consumer<KafkaConsumer<byte[], byte[]>> attach) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            attach.accept(consumer);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(POLL).forEach(records::add);
            }
        }
        return records;
    }
}

package io.streamlearn.retrain;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.kafka.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Versions published on the weights topic from the moment it is opened on: positioned at the end
 * before a request is sent, so the version that answers it cannot be missed. Reads committed
 * records only, as every reader of the weights does.
 */
final class PublishedVersions implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Codec<WeightSnapshot> codec;

    private PublishedVersions(KafkaConsumer<byte[], byte[]> consumer, Codec<WeightSnapshot> codec) {
        this.consumer = consumer;
        this.codec = codec;
    }

    static PublishedVersions fromNow(Properties client, Topic<WeightSnapshot> weights) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        c.partitionsFor(weights.name(), Duration.ofSeconds(10)).forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
        c.assign(parts);
        c.seekToEnd(parts);
        parts.forEach(c::position); // resolve the end now, before anything is sent
        return new PublishedVersions(c, weights.codec());
    }

    /** The first version published whose header {@code key} has {@code value}, or null after {@code wait}. */
    WeightSnapshot await(String key, String value, Duration wait) {
        byte[] wanted = value.getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                Header h = r.headers().lastHeader(key);
                if (h != null && Arrays.equals(h.value(), wanted) && r.value() != null) {
                    return codec.decode(r.value());
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}

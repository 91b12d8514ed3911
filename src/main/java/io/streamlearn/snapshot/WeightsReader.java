package io.streamlearn.snapshot;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.InvalidRecordException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the weights topic once, from the beginning to the end offsets seen at the start: the
 * newest snapshot of every model, and (before compaction removes them) older versions.
 */
public final class WeightsReader {
    private WeightsReader() {
    }

    /** Every readable snapshot on the topic, by model, in offset order. */
    public static Map<String, List<WeightSnapshot>> readAll(Properties clientProps, String topic, Codec<WeightSnapshot> codec) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, List<WeightSnapshot>> out = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(10)).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts, Duration.ofSeconds(10)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!end.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() == null || r.value() == null) {
                        continue;
                    }
                    try {
                        WeightSnapshot s = codec.decode(r.value());
                        out.computeIfAbsent(s.getModel(), m -> new ArrayList<>()).add(s);
                    } catch (InvalidRecordException ignored) {
                        // not ours to judge: the weights topic should only hold snapshots
                    }
                }
                end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
            }
        }
        return out;
    }

    /** The given version from a model's snapshots, or the newest when {@code version} is null; null if absent. */
    public static WeightSnapshot select(List<WeightSnapshot> snapshots, Long version) {
        WeightSnapshot best = null;
        for (WeightSnapshot s : snapshots) {
            if (version == null ? best == null || s.getVersion() > best.getVersion() : s.getVersion() == version) {
                best = s;
            }
        }
        return best;
    }

    /** The newest version of each model. */
    public static Map<String, WeightSnapshot> latest(Properties clientProps, String topic, Codec<WeightSnapshot> codec) {
        Map<String, WeightSnapshot> latest = new TreeMap<>();
        readAll(clientProps, topic, codec).forEach((model, list) -> latest.put(model, select(list, null)));
        return latest;
    }
}

package io.streamlearn.snapshot;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.InvalidRecordException;
import java.time.Duration;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
        try (Opened reader = open(clientProps)) {
            return reader.readAll(topic, codec);
        }
    }

    /**
     * A reader whose consumer is made now and used later: making one (its classes, settings and
     * metrics) is most of what a read of a small topic costs in a fresh JVM, and a learner's start
     * makes it while it still checks its topics.
     */
    public static Opened open(Properties clientProps) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // One read to the end: a fetch that finds nothing new (the end is a transaction marker)
        // need not wait the default half second for records that are not coming.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        return new Opened(new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    /** A consumer ready to read the weights topic once. */
    public static final class Opened implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> c;

        private Opened(KafkaConsumer<byte[], byte[]> c) {
            this.c = c;
        }

        /** Every readable snapshot on the topic, by model, in offset order. */
        public Map<String, List<WeightSnapshot>> readAll(String topic, Codec<WeightSnapshot> codec) {
            Map<String, List<WeightSnapshot>> out = new TreeMap<>();
            readToEnd(topic, r -> {
                if (r.key() == null || r.value() == null) {
                    return;
                }
                try {
                    WeightSnapshot s = codec.decode(r.value());
                    out.computeIfAbsent(s.getModel(), m -> new ArrayList<>()).add(s);
                } catch (InvalidRecordException ignored) {
                    // not ours to judge: the weights topic should only hold snapshots
                }
            });
            return out;
        }

        /**
         * The newest value of every key of a compacted topic (a tombstone removes its key), keys in
         * the order they first appeared: what a table read from the topic would hold.
         */
        public Map<String, byte[]> newestByKey(String topic) {
            Map<String, byte[]> out = new LinkedHashMap<>();
            readToEnd(topic, r -> {
                if (r.key() == null) {
                    return;
                }
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                    out.remove(key);
                } else {
                    out.put(key, r.value());
                }
            });
            return out;
        }

        private void readToEnd(String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(10)).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts, Duration.ofSeconds(10)));
            // An empty topic (a first start) is read without a poll, which would wait for records.
            end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!end.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    sink.accept(r);
                }
                end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
            }
        }

        /** The newest version of each model. */
        public Map<String, WeightSnapshot> latest(String topic, Codec<WeightSnapshot> codec) {
            return newest(readAll(topic, codec));
        }

        @Override
        public void close() {
            c.close();
        }
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
        return newest(readAll(clientProps, topic, codec));
    }

    private static Map<String, WeightSnapshot> newest(Map<String, List<WeightSnapshot>> all) {
        Map<String, WeightSnapshot> latest = new TreeMap<>();
        all.forEach((model, list) -> latest.put(model, select(list, null)));
        return latest;
    }
}

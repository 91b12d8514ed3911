package io.streamlearn.app;

import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.snapshot.ModelRecordSizes;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Client properties for every Kafka client the application creates: bootstrap servers plus the
 * configuration's {@code kafka} section passed through untouched (security, tuning, config
 * providers), so SASL/SSL work the same for Streams, producers, consumers and admin.
 */
public final class KafkaProperties {
    private KafkaProperties() {
    }

    public static Map<String, Object> common(StreamlearnConfig config) {
        Map<String, Object> p = new HashMap<>(config.kafka());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return p;
    }

    /**
     * {@link #common} for a producer that writes models (snapshots, checkpoints): its request and
     * buffer limits raised to the largest declared model ({@link ModelRecordSizes}), never lowered
     * below what the configuration asks for.
     */
    public static Map<String, Object> modelProducer(StreamlearnConfig config) {
        Map<String, Object> p = common(config);
        p.putAll(modelProducerLimits(config, ""));
        return p;
    }

    /** The producer limits that let a model's records through, with {@code prefix} before each key (Kafka Streams' "producer."). */
    public static Map<String, Object> modelProducerLimits(StreamlearnConfig config, String prefix) {
        int limit = ModelRecordSizes.recordLimit(config);
        long request = Math.max(limit, setting(config, prefix, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 0));
        // The producer refuses a record larger than its whole buffer, whatever max.request.size says.
        long buffer = Math.max(2L * request, setting(config, prefix, ProducerConfig.BUFFER_MEMORY_CONFIG, 32L * 1024 * 1024));
        return Map.of(prefix + ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Long.toString(request),
                prefix + ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(buffer));
    }

    private static long setting(StreamlearnConfig config, String prefix, String key, long otherwise) {
        Object v = config.kafka().get(prefix + key);
        if (v == null) {
            v = config.kafka().get(key);
        }
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("kafka." + key + " must be a number of bytes, got '" + v + "'");
        }
    }
}

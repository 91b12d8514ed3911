package io.streamlearn.app;

import io.streamlearn.config.StreamlearnConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

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
}

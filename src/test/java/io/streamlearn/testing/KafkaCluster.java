package io.streamlearn.testing;

import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The Kafka cluster an integration test talks to, as handed out by {@link KafkaBroker}. Tests see
 * only an address, so the same test runs against a container or the embedded broker.
 *
 * @param kind             {@link #TESTCONTAINERS} or {@link #EMBEDDED}, for logs and assertions
 * @param bootstrapServers what clients put in {@code bootstrap.servers}
 */
public record KafkaCluster(String kind, String bootstrapServers) {

    public static final String TESTCONTAINERS = "testcontainers";
    public static final String EMBEDDED = "embedded";

    /** The minimal client configuration; tests add their serdes and ids. */
    public Map<String, Object> clientConfig() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /**
     * Creates a topic named {@code prefix} plus a random suffix and waits until it can be used.
     * The suffix matters because all test classes share one cluster per run.
     *
     * @return the topic's name
     */
    public String createTopic(String prefix, int partitions) {
        return TestTopics.create(this, prefix, partitions);
    }
}

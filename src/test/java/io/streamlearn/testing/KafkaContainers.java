package io.streamlearn.testing;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Kafka container tests use when Docker is there: the same Kafka version as the client
 * libraries, and the broker settings the embedded broker changes that tests can notice, so that a
 * test behaves the same on either. (The embedded broker's thread, buffer and segment sizes are
 * left out: they save memory in a shared JVM, which a container does not share.)
 */
public final class KafkaContainers {

    /** Apache's own image, same version as the kafka-clients on the class path. */
    public static final DockerImageName IMAGE = DockerImageName.parse("apache/kafka:4.4.0");

    /** Broker properties, by their server.properties names; the reasons are in kafka/BrokerSettings. */
    public static final Map<String, String> BROKER_SETTINGS = settings();

    private KafkaContainers() {
    }

    private static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        // Topics are created on purpose, with the partitions the application expects.
        s.put("auto.create.topics.enable", "false");
        s.put("num.partitions", "1");
        // Otherwise every first consumer group waits 3 s for more members.
        s.put("group.initial.rebalance.delay.ms", "0");
        // Records stamped in the past (a replayed data set) must not be deleted at the first retention check.
        s.put("log.retention.ms", "-1");
        // One node.
        s.put("offsets.topic.replication.factor", "1");
        s.put("transaction.state.log.replication.factor", "1");
        s.put("transaction.state.log.min.isr", "1");
        s.put("share.coordinator.state.topic.replication.factor", "1");
        s.put("share.coordinator.state.topic.min.isr", "1");
        s.put("offsets.topic.num.partitions", "5");
        s.put("transaction.state.log.num.partitions", "5");
        return Map.copyOf(s);
    }

    /** The apache/kafka image turns KAFKA_X_Y into x.y (and ___ into -, __ into _; none here). */
    public static String envName(String property) {
        return "KAFKA_" + property.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** A configured, not yet started container. */
    public static KafkaContainer create() {
        KafkaContainer c = new KafkaContainer(IMAGE);
        BROKER_SETTINGS.forEach((property, value) -> c.withEnv(envName(property), value));
        return c;
    }
}

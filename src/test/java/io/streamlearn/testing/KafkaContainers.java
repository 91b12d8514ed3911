package io.streamlearn.testing;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Kafka container tests use when Docker is there: the same Kafka version as the client
 * libraries, and the two broker settings the embedded broker also changes, so that a test
 * behaves the same on either.
 */
public final class KafkaContainers {

    /** Apache's own image, same version as the kafka-clients on the class path. */
    public static final DockerImageName IMAGE = DockerImageName.parse("apache/kafka:4.4.0");

    private KafkaContainers() {
    }

    /** A configured, not yet started container. */
    public static KafkaContainer create() {
        return new KafkaContainer(IMAGE)
                // Topics are created on purpose, as with the embedded broker.
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                // Otherwise every first consumer group waits 3 s for more members.
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
    }
}

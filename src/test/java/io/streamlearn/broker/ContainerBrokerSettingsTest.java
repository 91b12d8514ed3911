package io.streamlearn.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.testing.KafkaContainers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The Testcontainers Kafka gets the embedded broker's values for the settings tests can notice,
 * so an integration test sees the same broker behaviour with or without Docker.
 */
class ContainerBrokerSettingsTest {

    @Test
    void theContainerSettingsAreTheEmbeddedBrokersValues() {
        Properties embedded = BrokerSettings.of(1, Path.of("/tmp/unused"), new BrokerPorts(9092, 9093), Map.of());
        KafkaContainers.BROKER_SETTINGS.forEach((property, value) ->
                assertEquals(embedded.getProperty(property), value, property));
    }

    @Test
    void theSettingsTheTestsDependOnAreThere() {
        for (String property : List.of("log.retention.ms", "auto.create.topics.enable", "group.initial.rebalance.delay.ms")) {
            assertTrue(KafkaContainers.BROKER_SETTINGS.containsKey(property), property);
        }
        assertEquals("KAFKA_LOG_RETENTION_MS", KafkaContainers.envName("log.retention.ms"));
    }

    @Test
    void theContainerCarriesThemAsEnvironment() {
        Map<String, String> env = KafkaContainers.create().getEnvMap();
        KafkaContainers.BROKER_SETTINGS.forEach((property, value) ->
                assertEquals(value, env.get(KafkaContainers.envName(property)), property));
    }
}

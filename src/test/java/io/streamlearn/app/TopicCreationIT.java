package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import io.streamlearn.topology.Names;
import io.streamlearn.topology.TopologyListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting the application creates the missing topics from the configuration: with
 * {@code partitions: 3}, the data topics and the repartition topic get 3 partitions; weights (a
 * compacted topic every instance reads whole) and dead-letters get one, replication is the
 * configured 1, and only weights and the model catalogue are compacted. The model store's changelog has the pinned name.
 */
@WithKafka
class TopicCreationIT {

    @Test
    void startCreatesEveryTopicAsConfigured(KafkaCluster kafka, @TempDir Path state) throws Exception {
        String run = "topics-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig c = ConfigLoader.load(null, Map.of("applicationId", run,
                "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                "topics.partitions", "3", "topics.replicationFactor", "1", "stateDir", state.toString()));
        var t = c.topics();
        try (StreamlearnApp app = StreamlearnApp.start(c, TopologyListener.NONE, Duration.ofSeconds(60));
             Admin admin = Admin.create(KafkaProperties.common(c))) {
            List<String> names = new ArrayList<>(t.all());
            names.add(Names.repartitionTopic(run));
            names.add(Names.modelStoreChangelog(run));
            Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            for (String data : List.of(t.examples(), t.events(), t.scoredEvents(), Names.repartitionTopic(run))) {
                assertEquals(3, d.get(data).partitions().size(), data);
            }
            assertEquals(1, d.get(t.weights()).partitions().size(), t.weights());
            assertEquals(1, d.get(t.deadLetters()).partitions().size(), t.deadLetters());
            assertEquals(1, d.get(t.catalogue()).partitions().size(), t.catalogue());
            assertEquals(3, d.get(Names.modelStoreChangelog(run)).partitions().size(), "one changelog partition per task");
            for (String name : names) {
                d.get(name).partitions().forEach(p -> assertEquals(1, p.replicas().size(), name + " replication"));
            }

            List<ConfigResource> resources = t.all().stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            for (String name : t.all()) {
                String policy = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name))
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
                boolean compacted = name.equals(t.weights()) || name.equals(t.catalogue());
                assertEquals(compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE, policy, name);
            }
        }
    }
}

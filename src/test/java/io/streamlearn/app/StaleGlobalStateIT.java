package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.testing.ByteRecords;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import io.streamlearn.topology.TopologyListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state directory that outlived its topics: the learner ran, then its topics were deleted
 * (as when a user removes the broker's data dir) while the state directory stayed. Kafka
 * Streams' local copy of the global weights store remembers an offset the new, empty weights
 * topic does not have, and Kafka Streams would stop the client on it. The learner drops that
 * copy when it creates the weights topic, starts, and goes on publishing.
 */
@WithKafka
class StaleGlobalStateIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theLocalCopyOfADeletedWeightsTopicIsDroppedAndTheLearnerStarts(KafkaCluster kafka, @TempDir Path state)
            throws Exception {
        String run = "stale-" + UUID.randomUUID().toString().substring(0, 8);
        Path yaml = state.resolve("learner.yaml");
        Files.writeString(yaml, """
                models:
                  - id: default
                    inputSize: 2
                    layers: [{units: 1, activation: sigmoid}]
                    loss: binary_cross_entropy
                    snapshot: {everyUpdates: 1}
                """);
        StreamlearnConfig c = ConfigLoader.load(yaml, Map.of("applicationId", run,
                "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                "stateDir", state.resolve("streams").toString()));

        ModelRegistry first = new ModelRegistry();
        try (StreamlearnApp app = StreamlearnApp.start(c, first, TopologyListener.NONE, WAIT)) {
            examples(kafka, c, 10);
            awaitVersion(first, v -> v >= 10, "the first life publishes a version per example");
        }

        try (Admin admin = Admin.create(KafkaProperties.common(c))) {
            admin.deleteTopics(c.topics().all()).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().anyMatch(Set.copyOf(c.topics().all())::contains)) {
                assertTrue(System.nanoTime() < deadline, "topics deleted");
                Thread.sleep(100);
            }
        }

        ModelRegistry second = new ModelRegistry();
        try (StreamlearnApp app = StreamlearnApp.start(c, second, TopologyListener.NONE, WAIT)) {
            assertEquals(KafkaStreams.State.RUNNING, app.streams().state());
            examples(kafka, c, 1);
            // The model's own state survived in its changelog: training continues from version 10.
            awaitVersion(second, v -> v > 10, "the new weights topic carries the next version, read by the global store");
        }
    }

    private static void examples(KafkaCluster kafka, StreamlearnConfig c, int n) {
        for (int i = 0; i < n; i++) {
            byte[] value = ("{\"features\": [" + i + ", 1], \"label\": " + (i % 2) + "}").getBytes(StandardCharsets.UTF_8);
            ByteRecords.send(kafka.bootstrapServers(), c.topics().examples(), null, value);
        }
    }

    private static void awaitVersion(ModelRegistry registry, LongPredicate ok, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        DecodedSnapshot m = registry.get("default");
        while (m == null || !ok.test(m.version())) {
            assertTrue(System.nanoTime() < deadline, what + "; newest: " + (m == null ? "none" : m.version()));
            Thread.sleep(100);
            m = registry.get("default");
        }
    }
}

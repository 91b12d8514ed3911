package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import io.streamlearn.topology.TopologyListener;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.internals.OffsetCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state directory that outlived its broker's data (a user removed the broker's data dir, or
 * the weights topic was deleted and created again) holds a global-store checkpoint beyond the
 * topic's end. Kafka Streams would stop the client on the out-of-range offset; the learner
 * drops that stale copy and starts, restoring the weights store from the topic.
 */
@WithKafka
class StaleGlobalStateIT {

    @Test
    void aGlobalCheckpointAheadOfTheWeightsTopicIsDroppedAndTheLearnerStarts(KafkaCluster kafka, @TempDir Path state)
            throws Exception {
        String run = "stale-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig c = ConfigLoader.load(null, Map.of("applicationId", run,
                "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-", "stateDir", state.toString()));
        // What an earlier life of this application left: the weights topic read up to offset 243.
        File global = state.resolve(run).resolve("global").toFile();
        assertTrue(global.mkdirs());
        new OffsetCheckpoint(new File(global, ".checkpoint")).write(Map.of(new TopicPartition(c.topics().weights(), 0), 243L));

        try (StreamlearnApp app = StreamlearnApp.start(c, TopologyListener.NONE, Duration.ofSeconds(60))) {
            assertEquals(KafkaStreams.State.RUNNING, app.streams().state());
            File checkpoint = new File(global, ".checkpoint");
            assertFalse(checkpoint.isFile() && new OffsetCheckpoint(checkpoint).read().values().stream().anyMatch(o -> o > 0),
                    "the stale checkpoint is gone: the fresh weights topic is empty");
        }
    }
}

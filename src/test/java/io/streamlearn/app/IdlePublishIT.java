package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.topology.TopologyListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Updates below the snapshot threshold are published once the stream has been idle for
 * {@code snapshot.everyMs} of wall-clock time. Before, they waited for the next example:
 * 250 updates under a threshold of 1,000 were never published.
 */
@ExtendWith(KafkaBroker.class)
class IdlePublishIT {
    private static final int N = 250;

    @Test
    void anIdleStreamPublishesWhatItLearned(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "idle-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig config = ConfigLoader.fromYaml("""
                models:
                  - id: default
                    inputSize: 2
                    optimizer: {kind: sgd, learningRate: 0.1}
                    snapshot: {everyUpdates: 1000, everyMs: 500}
                """, Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                "stateDir", dir.toString()));
        StreamlearnApp.ensureTopics(config, Duration.ofSeconds(5));
        Codec<LabeledExample> codec = Topics.of(config).examples().codec();
        Random r = new Random(3);
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < N; i++) {
                double[] x = {r.nextGaussian(), r.nextGaussian()};
                // One timestamp for all: stream time never moves, so only the wall clock can publish.
                p.send(new ProducerRecord<>(config.topics().examples(), null, 1_000_000L, null,
                        codec.encode(LabeledExample.of("x" + i, null, x, x[0] > x[1] ? 1 : 0))), delivered);
            }
        }
        delivered.check();
        try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(30))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            DecodedSnapshot p = null;
            while (System.nanoTime() < deadline && (p == null || p.snapshot().getExamplesSeen() < N)) {
                Thread.sleep(50);
                p = app.registry().get("default");
            }
            assertEquals(N, p == null ? 0 : p.snapshot().getExamplesSeen(), "every example's update published while idle");
            assertEquals(1, p.version(), "in one version");
        }
    }
}

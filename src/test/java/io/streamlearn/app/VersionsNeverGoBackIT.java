package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.testing.CommittedRecords;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.topology.TopologyListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learner whose store is empty (here: a new application id on the same topics, as after a
 * reset or a lost changelog) numbers its versions after the newest one on the weights topic and
 * starts from those weights, so every instance adopts what it publishes. Before, it started at
 * version 1 again and every instance dropped its snapshots as older than what they held.
 */
@ExtendWith(KafkaBroker.class)
class VersionsNeverGoBackIT {
    private static final int N = 3_000;

    @Test
    void anEmptyStoreContinuesAfterTheNewestPublishedVersion(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "versions-" + UUID.randomUUID().toString().substring(0, 8);
        String yaml = """
                models:
                  - id: default
                    inputSize: 2
                    layers: [{units: 1, activation: sigmoid}]
                    optimizer: {kind: sgd, learningRate: 0.1}
                    snapshot: {everyUpdates: 100, everyMs: 100000000}
                """;
        StreamlearnConfig first = ConfigLoader.fromYaml(yaml, Map.of("applicationId", run + "-a",
                "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                "stateDir", Files.createDirectories(dir.resolve("a")).toString()));
        StreamlearnApp.ensureTopics(first, Duration.ofSeconds(5));
        produce(first, 0, N);
        long firstNewest;
        try (StreamlearnApp app = StreamlearnApp.start(first, TopologyListener.NONE, Duration.ofSeconds(30))) {
            firstNewest = awaitSeen(app, N, -1).version();
        }
        assertTrue(firstNewest >= N / 100, "the first application published, up to version " + firstNewest);

        // A second application on the same topics: its store is empty, it replays the whole topic.
        StreamlearnConfig second = ConfigLoader.fromYaml(yaml, Map.of("applicationId", run + "-b",
                "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                "stateDir", Files.createDirectories(dir.resolve("b")).toString()));
        produce(second, N, N);
        DecodedSnapshot newest;
        try (StreamlearnApp app = StreamlearnApp.start(second, TopologyListener.NONE, Duration.ofSeconds(30))) {
            newest = awaitSeen(app, 2 * N, firstNewest);
        }
        assertEquals(2L * N, newest.snapshot().getExamplesSeen(), "the second application learned every example");
        assertTrue(newest.version() > firstNewest, "adopted everywhere: version " + newest.version());

        Codec<WeightSnapshot> codec = Topics.of(second).weights().codec();
        List<ConsumerRecord<byte[], byte[]>> records = CommittedRecords.readAll(KafkaProperties.common(second),
                second.topics().weights(), 1);
        List<Long> versions = new ArrayList<>();
        WeightSnapshot firstOfSecond = null;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            WeightSnapshot s = codec.decode(r.value());
            assertEquals(SnapshotSource.LIVE, s.getSource());
            if (!versions.isEmpty() && s.getVersion() <= versions.get(versions.size() - 1)) {
                throw new AssertionError("version " + s.getVersion() + " after " + versions.get(versions.size() - 1)
                        + " on 'weights': " + versions);
            }
            if (s.getVersion() == firstNewest + 1) {
                firstOfSecond = s;
            }
            versions.add(s.getVersion());
        }
        assertTrue(firstOfSecond != null, "the second application's first version follows the first's newest: " + versions);
        assertEquals(firstNewest, firstOfSecond.getParentVersion(), "its parent is the version it continued from");
    }

    private static void produce(StreamlearnConfig config, int from, int count) {
        Codec<LabeledExample> codec = Topics.of(config).examples().codec();
        Random r = new Random(from);
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = from; i < from + count; i++) {
                double[] x = {r.nextGaussian(), r.nextGaussian()};
                p.send(new ProducerRecord<>(config.topics().examples(), null, 1_000_000L + i, null,
                        codec.encode(LabeledExample.of("x" + i, null, x, x[0] - x[1] > 0 ? 1 : 0))), delivered);
            }
        }
        delivered.check();
    }

    /** The newest version once it has seen {@code seen} examples and is newer than {@code after}. */
    private static DecodedSnapshot awaitSeen(StreamlearnApp app, long seen, long after) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        DecodedSnapshot p = null;
        while (System.nanoTime() < deadline) {
            p = app.registry().get("default");
            if (p != null && p.snapshot().getExamplesSeen() >= seen && p.version() > after) {
                return p;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no version after " + after + " with " + seen + " examples; newest: "
                + (p == null ? "none" : p.version() + " with " + p.snapshot().getExamplesSeen()));
    }
}

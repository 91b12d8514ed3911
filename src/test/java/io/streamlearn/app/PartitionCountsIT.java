package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigException;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.testing.CommittedRecords;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.topology.Names;
import io.streamlearn.topology.TopologyListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples topic's real partition count rules, not {@code topics.partitions}: on an examples
 * topic of 3 partitions the default config re-keys examples by model, so one task learns each
 * model (before, each partition's task trained its own copy, all publishing under one key, with
 * version numbers from three counters). Growing examples from 1 to 3 partitions between two runs
 * loses no example and continues the lineage. A re-keying topic of another count than the trainer
 * reads is refused at start with what to do.
 */
@ExtendWith(KafkaBroker.class)
class PartitionCountsIT {
    private static final String YAML = """
            models:
              - {id: default, inputSize: 2, snapshot: {everyUpdates: 100, everyMs: 100000000}}
            """;

    @Test
    void anExamplesTopicOfSeveralPartitionsIsLearnedByOneTaskPerModel(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        StreamlearnConfig config = config(kafka, dir, "spread");
        try (Admin admin = Admin.create(KafkaProperties.common(config))) {
            admin.createTopics(List.of(new NewTopic(config.topics().examples(), 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        StreamlearnApp.ensureTopics(config, Duration.ofSeconds(5));
        produce(config, 0, 3_000, 3);
        try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(30))) {
            assertEquals(3_000, awaitSeen(app, 3_000).snapshot().getExamplesSeen());
        }
        assertOneLineage(config, 30);
    }

    @Test
    void growingExamplesKeepsEveryExampleAndTheLineage(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        StreamlearnConfig config = config(kafka, dir, "grow");
        StreamlearnApp.ensureTopics(config, Duration.ofSeconds(5));
        produce(config, 0, 1_000, 1);
        try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(30))) {
            awaitSeen(app, 1_000);
        }
        try (Admin admin = Admin.create(KafkaProperties.common(config))) {
            admin.createPartitions(Map.of(config.topics().examples(), NewPartitions.increaseTo(3))).all().get(30, TimeUnit.SECONDS);
            awaitLeaders(admin, config.topics().examples(), 3);
        }
        produce(config, 1, 2_000, 3);
        StreamlearnConfig again = config.withStateDir(Files.createDirectories(dir.resolve("after")).toString());
        try (StreamlearnApp app = StreamlearnApp.start(again, TopologyListener.NONE, Duration.ofSeconds(30))) {
            assertEquals(3_000, awaitSeen(app, 3_000).snapshot().getExamplesSeen(), "every example, once");
        }
        assertOneLineage(config, 30);

        // A re-keying topic of another count than the trainer reads: refused, with the way on.
        try (Admin admin = Admin.create(KafkaProperties.common(config))) {
            admin.createPartitions(Map.of(Names.repartitionTopic(config.applicationId()), NewPartitions.increaseTo(2)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> StreamlearnApp.start(again, TopologyListener.NONE, Duration.ofSeconds(30)).close());
        assertTrue(e.getMessage().contains("has 2 partitions where the trainer reads 1")
                && e.getMessage().contains("set topics.partitions to 2"), e.getMessage());
    }

    /** New partitions take writes once they have a leader; on a loaded machine that can take seconds. */
    private static void awaitLeaders(Admin admin, String topic, int partitions) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            var d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            if (d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("partitions of " + topic + " without a leader after 60 s");
    }

    private static StreamlearnConfig config(KafkaCluster kafka, Path dir, String name) throws Exception {
        String run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        return ConfigLoader.fromYaml(YAML, Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-", "stateDir", Files.createDirectories(dir.resolve("before")).toString()));
    }

    /** {@code n} examples spread evenly over the first {@code partitions} partitions. */
    private static void produce(StreamlearnConfig config, int seed, int n, int partitions) {
        Codec<LabeledExample> codec = Topics.of(config).examples().codec();
        Random r = new Random(seed);
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < n; i++) {
                double[] x = {r.nextGaussian(), r.nextGaussian()};
                p.send(new ProducerRecord<>(config.topics().examples(), i % partitions, 1_000L + i, null,
                        codec.encode(LabeledExample.of(seed + "-" + i, null, x, x[0] > 0 ? 1 : 0))), delivered);
            }
        }
        delivered.check();
    }

    /** Versions 1..n of the model in the weights history (weights itself is compacted), each once, in order. */
    private static void assertOneLineage(StreamlearnConfig config, int versions) {
        Codec<WeightSnapshot> codec = Topics.of(config).weights().codec();
        List<Long> seen = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : CommittedRecords.readAll(KafkaProperties.common(config),
                config.topics().weightsHistory(), versions)) {
            seen.add(codec.decode(r.value()).getVersion());
        }
        List<Long> expected = new ArrayList<>();
        for (long v = 1; v <= versions; v++) {
            expected.add(v);
        }
        assertEquals(expected, seen, "one lineage");
    }

    private static DecodedSnapshot awaitSeen(StreamlearnApp app, long seen) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        DecodedSnapshot p = null;
        while (System.nanoTime() < deadline) {
            p = app.registry().get("default");
            if (p != null && p.snapshot().getExamplesSeen() >= seen) {
                return p;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not " + seen + " examples; newest " + (p == null ? "none" : p.snapshot().getExamplesSeen()));
    }
}

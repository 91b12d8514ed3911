package io.streamlearn.app;

import static io.streamlearn.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Event;
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
import io.streamlearn.topology.Names;
import io.streamlearn.topology.TopologyListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topic examples are re-keyed through by model, on a real broker: a time retention left on
 * it (as an older version created it) is removed at start, a backfill stamped a year ago is
 * trained on in full, what the trainer committed is deleted from it, and records deleted before
 * the trainer read them are counted and reported, not skipped without a word. And scoring's
 * partitions are set apart from training's ({@code topics.eventsPartitions}).
 */
@ExtendWith(KafkaBroker.class)
class TrainerTopicsIT {
    private static final long A_YEAR_AGO = System.currentTimeMillis() - 365L * 24 * 3600 * 1000;

    @Test
    void theRekeyingTopicKeepsUntilTrainedThenIsPurgedAndAGapIsReported(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "rekey-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig config = ConfigLoader.fromYaml("""
                topics: {partitions: 2, eventsPartitions: 3}
                kafka: {repartition.purge.interval.ms: 300}
                models:
                  - {id: a, inputSize: 2, snapshot: {everyUpdates: 100, everyMs: 500}}
                  - {id: b, inputSize: 2, snapshot: {everyUpdates: 100, everyMs: 500}}
                """, Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                "stateDir", Files.createDirectories(dir.resolve("state")).toString(), "defaultModel", "a"));
        String rekeyed = Names.repartitionTopic(run);
        try (Admin admin = Admin.create(KafkaProperties.common(config))) {
            // As an older version created it: the broker's time retention, which would delete a backfill untrained.
            admin.createTopics(List.of(new NewTopic(rekeyed, 2, (short) 1)
                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "3600000")))).all().get(30, TimeUnit.SECONDS);
            StreamlearnApp.ensureTopics(config, Duration.ofSeconds(15));
            assertEquals("-1", retention(admin, rekeyed), "no time retention on the re-keying topic");
            assertEquals(3, partitions(admin, config.topics().events()), "events: topics.eventsPartitions");
            assertEquals(3, partitions(admin, config.topics().scoredEvents()));
            assertEquals(2, partitions(admin, config.topics().examples()), "examples: topics.partitions");

            produceExamples(config, 0, 2_000);
            try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(60))) {
                await(() -> seen(app, "a") + seen(app, "b") == 2_000, "every example of the backfill trained on");
                // Purged up to what the trainer committed: every partition's first offset reaches its end.
                await(() -> firstOffsets(admin, rekeyed).equals(endOffsets(admin, rekeyed)), "the re-keying topic purged");
                // Every example went through it (offsets also count the transactions' commit markers).
                assertTrue(endOffsets(admin, rekeyed).values().stream().mapToLong(Long::longValue).sum() >= 2_000,
                        "every example went through it: " + endOffsets(admin, rekeyed));

                produceEvents(config, 30);
                assertEquals(30, CommittedRecords.readAll(KafkaProperties.common(config), config.topics().scoredEvents(), 30).size(),
                        "events scored over 3 partitions while training reads 2");
            }

            // Records the trainer never read, deleted while it was stopped: reported as a gap.
            TopicPartition p0 = new TopicPartition(rekeyed, 0);
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
                for (int i = 0; i < 7; i++) {
                    p.send(new ProducerRecord<>(rekeyed, 0, "a".getBytes(StandardCharsets.UTF_8), new byte[] {1})).get();
                }
            }
            long end = endOffsets(admin, rekeyed).get(p0);
            admin.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(end))).all().get(30, TimeUnit.SECONDS);
            assertEquals(Map.of(p0, 7L), TrainerTopics.gaps(admin, rekeyed, run, Duration.ofSeconds(15)));
            assertEquals(Map.of(p0, 7L), TrainerTopics.prepare(admin, rekeyed, run, "they will not be trained on", Duration.ofSeconds(15)));
            // And the learner goes on from there.
            produceExamples(config, 1, 200);
            try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(60))) {
                await(() -> seen(app, "a") + seen(app, "b") == 2_200, "the examples after the gap trained on");
            }
        }
    }

    private static long seen(StreamlearnApp app, String model) {
        DecodedSnapshot s = app.registry().get(model);
        return s == null ? 0 : s.snapshot().getExamplesSeen();
    }

    /** Examples alternately for models a and b, over examples' two partitions, stamped a year ago. */
    private static void produceExamples(StreamlearnConfig config, int seed, int n) {
        Codec<LabeledExample> codec = Topics.of(config).examples().codec();
        Random r = new Random(seed);
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < n; i++) {
                double[] x = {r.nextGaussian(), r.nextGaussian()};
                p.send(new ProducerRecord<>(config.topics().examples(), i % 2, A_YEAR_AGO + i, null,
                        codec.encode(LabeledExample.of(seed + "-" + i, i % 3 == 0 ? "b" : "a", x, x[0] > 0 ? 1 : 0))), delivered);
            }
        }
        delivered.check();
    }

    private static void produceEvents(StreamlearnConfig config, int n) {
        Codec<Event> codec = Topics.of(config).events().codec();
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < n; i++) {
                p.send(new ProducerRecord<>(config.topics().events(), i % 3, null, null,
                        codec.encode(new Event("e" + i, i % 2 == 0 ? "a" : "b", new double[] {i, -i}))), delivered);
            }
        }
        delivered.check();
    }

    private static String retention(Admin admin, String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r).get(TopicConfig.RETENTION_MS_CONFIG).value();
    }

    private static int partitions(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
    }

    private static Map<TopicPartition, Long> firstOffsets(Admin admin, String topic) {
        return offsets(admin, topic, OffsetSpec.earliest());
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) {
        return offsets(admin, topic, OffsetSpec.latest());
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, String topic, OffsetSpec spec) {
        try {
            Map<TopicPartition, OffsetSpec> q = new HashMap<>();
            for (int i = 0; i < partitions(admin, topic); i++) {
                q.put(new TopicPartition(topic, i), spec);
            }
            return admin.listOffsets(q).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

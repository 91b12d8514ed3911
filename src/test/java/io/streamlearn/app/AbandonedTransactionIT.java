package io.streamlearn.app;

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
import io.streamlearn.testing.CommittedRecords;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.RunsAlone;
import io.streamlearn.testing.WithKafka;
import io.streamlearn.topology.TopologyListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction a killed instance left open on the weights topic hides every version published
 * after it from every read_committed reader, the learners' own weights stores included, until
 * it times out. Here the killed instance is a producer with a Kafka Streams transactional id of the
 * application ({@code <applicationId>-<processId>-1}) whose transaction stays open for 10 minutes;
 * a learner starts, learns model {@code a}'s first versions and commits them; then one event for
 * {@code a} arrives. Without {@link AbandonedTransactions} its weights were invisible and the event
 * was dead-lettered {@code NO_WEIGHTS_YET}, though they were on the topic (MultiInstanceFailoverIT's
 * race, made certain); with it the learner aborts that transaction when it reaches RUNNING, since
 * its process is not in the group, and the event is scored.
 */
@RunsAlone
@WithKafka
class AbandonedTransactionIT {
    private static final int EXAMPLES = 20;

    @Test
    void aKilledInstancesOpenTransactionNeitherHidesWeightsNorDeadLettersEvents(KafkaCluster kafka, @TempDir Path dir)
            throws Exception {
        String run = "abandoned-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig config = ConfigLoader.fromYaml("""
                defaultModel: a
                models:
                  - {id: a, inputSize: 2, snapshot: {everyUpdates: 10}}
                """, Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                "stateDir", Files.createDirectories(dir.resolve("state")).toString()));
        StreamlearnApp.ensureTopics(config, Duration.ofSeconds(10));
        Topics topics = Topics.of(config);
        String killed = run + "-" + UUID.randomUUID() + "-1";
        Properties dead = new Properties();
        dead.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        dead.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, killed);
        dead.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(600_000));
        try (KafkaProducer<byte[], byte[]> zombie = new KafkaProducer<>(dead, new ByteArraySerializer(), new ByteArraySerializer())) {
            zombie.initTransactions();
            zombie.beginTransaction();
            zombie.send(new ProducerRecord<>(topics.weights().name(), "a".getBytes(StandardCharsets.UTF_8),
                    "the killed instance's unfinished write".getBytes(StandardCharsets.UTF_8))).get();
            try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(60))) {
                produce(config, topics);
                awaitCommitted(config, topics.examples().name(), EXAMPLES);
                // The committed versions reach this instance's weights store a fetch later (the global
                // thread reads them as any read_committed reader does): with the abandoned transaction
                // left open they never would, for its 10 minutes.
                io.streamlearn.testing.Eventually.await(() -> app.registry().get("a") != null
                        && app.registry().get("a").version() >= EXAMPLES / 10, "the committed versions reach the weights store");
                try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
                    Codec<Event> events = topics.events().codec();
                    p.send(new ProducerRecord<>(topics.events().name(), events.encode(new Event("e0", "a", new double[] {0.5, -1})))).get();
                }
                List<ConsumerRecord<byte[], byte[]>> scored = CommittedRecords.readAll(KafkaProperties.common(config),
                        topics.scoredEvents().name(), 1);
                List<ConsumerRecord<byte[], byte[]>> deadLetters = CommittedRecords.readAll(KafkaProperties.common(config),
                        topics.deadLetters(), 0);
                assertEquals(List.of(), deadLetters.stream().map(r -> new String(r.headers().lastHeader("streamlearn.dlq.reason").value(),
                        StandardCharsets.UTF_8)).toList(), "the event was not dead-lettered");
                assertEquals(1, scored.size(), "the event was scored with the versions on the topic");
                assertEquals(EXAMPLES / 10, topics.scoredEvents().codec().decode(scored.get(0).value()).version(),
                        "scored with the newest version");
            }
        }
    }

    private static void produce(StreamlearnConfig config, Topics topics) {
        Random r = new Random(3);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            Deliveries delivered = new Deliveries();
            Codec<LabeledExample> examples = topics.examples().codec();
            for (int i = 0; i < EXAMPLES; i++) {
                double[] x = {r.nextGaussian(), r.nextGaussian()};
                p.send(new ProducerRecord<>(topics.examples().name(), examples.encode(LabeledExample.of("x" + i, "a", x,
                        x[0] > 0 ? 1 : 0))), delivered);
            }
            p.flush();
            delivered.check();
        }
    }

    /** Committed offsets come with the transaction that wrote what they produced: the versions are on the topic. */
    private static void awaitCommitted(StreamlearnConfig config, String topic, long offset) throws Exception {
        try (Admin admin = Admin.create(KafkaProperties.common(config))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                var o = admin.listConsumerGroupOffsets(config.applicationId()).partitionsToOffsetAndMetadata().get()
                        .get(new TopicPartition(topic, 0));
                if (o != null && o.offset() >= offset) {
                    return;
                }
                assertTrue(System.nanoTime() < deadline, "the learner committed " + topic + " up to " + offset);
                Thread.sleep(50);
            }
        }
    }
}

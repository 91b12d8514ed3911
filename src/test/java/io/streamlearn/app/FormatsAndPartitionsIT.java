package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.Format;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import io.streamlearn.topology.TopologyListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Avro and JSON records through a real broker, and more than one partition: examples of two
 * models spread over 4 partitions are routed to one task per model, each learned exactly once.
 */
@WithKafka
class FormatsAndPartitionsIT {

    private static StreamlearnConfig config(KafkaCluster kafka, Path state, String yaml, Map<String, String> more) {
        String run = "fmt-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> o = new java.util.HashMap<>(Map.of("applicationId", run,
                "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-", "stateDir", state.toString()));
        o.putAll(more);
        return ConfigLoader.fromYaml(yaml, o);
    }

    private static DecodedSnapshot await(StreamlearnApp app, String model, long seen) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            DecodedSnapshot p = app.registry().get(model);
            if (p != null && p.snapshot().getExamplesSeen() >= seen) {
                return p;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(model + " did not reach " + seen + " examples");
    }

    @Test
    void avroExamplesEventsAndScoredEventsAndJsonWeights(KafkaCluster kafka, @TempDir Path state) throws Exception {
        StreamlearnConfig c = config(kafka, state, """
                formats: {examples: avro, events: avro, scoredEvents: avro, weights: json}
                models:
                  - {id: default, inputSize: 2, optimizer: {kind: adam, learningRate: 0.1}, snapshot: {everyUpdates: 100}}
                """, Map.of());
        assertEquals(Format.AVRO, c.formats().examples());
        Codec<LabeledExample> examples = Codecs.examples(Format.AVRO, 100);
        Codec<Event> events = Codecs.events(Format.AVRO, 100);
        try (StreamlearnApp app = StreamlearnApp.start(c, TopologyListener.NONE, Duration.ofSeconds(60));
             KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(c))) {
            Random r = new Random(1);
            Deliveries delivered = new Deliveries();
            for (int i = 0; i < 300; i++) {
                double a = r.nextGaussian();
                double b = r.nextGaussian();
                p.send(new ProducerRecord<>(c.topics().examples(), examples.encode(LabeledExample.of("a" + i, null, new double[] {a, b},
                        a - b > 0 ? 1 : 0))), delivered);
            }
            p.flush();
            delivered.check();
            DecodedSnapshot m = await(app, "default", 300);
            assertEquals(3, m.version());
            p.send(new ProducerRecord<>(c.topics().events(), "k".getBytes(StandardCharsets.UTF_8),
                    events.encode(new Event("ev", null, new double[] {2, -2})))).get();
            List<byte[]> scored = read(c, c.topics().scoredEvents(), 1);
            ScoredEvent pr = Codecs.predictions(Format.AVRO).decode(scored.get(0));
            assertEquals("ev", pr.id());
            assertEquals(1, pr.label());
            assertEquals(3, pr.version());
            byte[] weights = read(c, c.topics().weights(), 3).get(2);
            String json = new String(weights, StandardCharsets.UTF_8);
            assertEquals('{', json.charAt(0), "weights in Avro's JSON encoding: " + json);
            assertArrayEquals(m.network().weights(0),
                    io.streamlearn.snapshot.SnapshotMapper.network(Codecs.snapshots(Format.JSON).decode(weights)).weights(0), 0.0);
        }
    }

    @Test
    void twoModelsOnFourPartitionsAreEachLearnedExactlyOnce(KafkaCluster kafka, @TempDir Path state) throws Exception {
        StreamlearnConfig c = config(kafka, state, """
                models:
                  - {id: a, inputSize: 2, update: {mode: count, batchSize: 10}, snapshot: {everyUpdates: 10}}
                  - {id: b, inputSize: 2, layers: [{units: 3, activation: tanh}, {units: 1, activation: sigmoid}], snapshot: {everyUpdates: 50}}
                defaultModel: a
                """, Map.of("topics.partitions", "4"));
        Codec<LabeledExample> codec = Codecs.examples(Format.JSON, 100);
        try (StreamlearnApp app = StreamlearnApp.start(c, TopologyListener.NONE, Duration.ofSeconds(60));
             KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(c))) {
            Random r = new Random(2);
            Deliveries delivered = new Deliveries();
            for (int i = 0; i < 2000; i++) {
                String model = i % 4 == 0 ? "b" : "a";
                LabeledExample e = LabeledExample.of("x" + i, model, new double[] {r.nextGaussian(), r.nextGaussian()}, r.nextInt(2));
                // Keys spread every model over all four partitions.
                p.send(new ProducerRecord<>(c.topics().examples(), ("key-" + i).getBytes(StandardCharsets.UTF_8), codec.encode(e)), delivered);
            }
            p.flush();
            delivered.check();
            assertEquals(1500, await(app, "a", 1500).snapshot().getExamplesSeen());
            DecodedSnapshot b = await(app, "b", 500);
            assertEquals(500, b.snapshot().getExamplesSeen());
            assertEquals(150, await(app, "a", 1500).snapshot().getUpdatesApplied(), "1500 / 10");
        }
    }

    private static List<byte[]> read(StreamlearnConfig c, String topic, int n) {
        Properties props = new Properties();
        props.putAll(KafkaProperties.common(c));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<byte[]> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                    out.add(rec.value());
                }
            }
        }
        assertEquals(n, out.size(), "records on " + topic);
        return out;
    }
}

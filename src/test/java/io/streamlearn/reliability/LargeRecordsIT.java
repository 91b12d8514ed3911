package io.streamlearn.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.LearnerAwait;
import io.streamlearn.testing.TestTopics;
import io.streamlearn.testing.WithKafka;
import io.streamlearn.topology.DeadLetters;
import io.streamlearn.topology.TopologyListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's poison pill, end to end under exactly-once: {@code examples} and {@code events}
 * take records up to 64 MiB, the learner's producer and the dead-letters topic keep Kafka's 1 MiB.
 * Records of 2 MiB and 20 MiB go to both topics, bad ones and valid ones (a valid event whose
 * scored event would be too large among them), each between two small valid records. Then:
 *
 * <ol>
 *   <li>the learner is still RUNNING and nothing it wrote was refused;</li>
 *   <li>every valid example was trained on (the exact count) and every event whose scored event
 *       fits was scored;</li>
 *   <li>every large record that could not be scored or trained on is on {@code dead-letters}
 *       exactly once (read_committed), reason TOO_LARGE, with its first reason, original size, the
 *       SHA-256 of the bytes produced, and a prefix of them;</li>
 *   <li>a consumer with Kafka's default fetch sizes gets the 20 MiB record whole (KIP-74: a first
 *       batch larger than {@code max.partition.fetch.bytes} is still returned);</li>
 *   <li>after a restart the learner runs on, learns and scores, and writes no dead letter twice.</li>
 * </ol>
 */
@WithKafka
class LargeRecordsIT {
    private static final int MIB = 1024 * 1024;
    private static final int TWO = 2 * MIB;
    private static final int TWENTY = 20 * MIB;
    private static final String TOPIC_LIMIT = Integer.toString(64 * MIB);
    private static final String MODEL = "default";

    /** What must become of an input: trained on, scored, or dead-lettered cut. */
    private enum Fate { TRAINED, SCORED, CUT }

    private record Input(String what, byte[] key, byte[] value, Fate fate, DeadLetterReason firstReason) {
    }

    private record Sent(Input input, Future<RecordMetadata> metadata) {
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] garbage(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        b[0] = (byte) 0xC3; // no JSON value starts so
        return b;
    }

    /** JSON whose one feature is a string of {@code n} characters: well-formed, refused by the codec. */
    private static byte[] stringFeature(int n) {
        return utf8("{\"features\": [\"" + "s".repeat(n) + "\", 1], \"label\": 1}");
    }

    private static Input example(int i) {
        return new Input("example " + i, utf8("user-" + i), utf8("{\"id\": \"x" + i + "\", \"features\": [" + (i % 3) + ", "
                + (1 - i % 2) + "], \"label\": " + (i % 2) + "}"), Fate.TRAINED, null);
    }

    private static Input event(int i) {
        return new Input("event " + i, utf8("ev-" + i), utf8("{\"id\": \"ev" + i + "\", \"features\": [" + i + ", 1]}"),
                Fate.SCORED, null);
    }

    /** Small valid examples around each large one. */
    private static List<Input> examples() {
        List<Input> large = List.of(
                new Input("2 MiB of garbage", utf8("user-g"), garbage(TWO, 1), Fate.CUT, DeadLetterReason.UNDECODABLE),
                new Input("20 MiB JSON string", utf8("user-s"), stringFeature(TWENTY), Fate.CUT, DeadLetterReason.UNDECODABLE),
                new Input("valid, 2 MiB id", utf8("user-i"), utf8("{\"id\": \"" + "i".repeat(TWO)
                        + "\", \"features\": [1, 0], \"label\": 1}"), Fate.TRAINED, null),
                new Input("valid, 20 MiB of spaces", utf8("user-w"), utf8("{\"features\": [0, 1], \"label\": 0"
                        + " ".repeat(TWENTY) + "}"), Fate.TRAINED, null));
        return around(large, LargeRecordsIT::example);
    }

    private static List<Input> events() {
        List<Input> large = List.of(
                new Input("2 MiB of garbage event", utf8("ev-g"), garbage(TWO, 2), Fate.CUT, DeadLetterReason.UNDECODABLE),
                new Input("20 MiB JSON string event", utf8("ev-s"), utf8("{\"features\": [\"" + "s".repeat(TWENTY) + "\", 1]}"),
                        Fate.CUT, DeadLetterReason.UNDECODABLE),
                new Input("valid event, 2 MiB id", utf8("ev-i"), utf8("{\"id\": \"" + "i".repeat(TWO) + "\", \"features\": [1, 1]}"),
                        Fate.CUT, DeadLetterReason.TOO_LARGE),
                new Input("valid event, 20 MiB of spaces", utf8("ev-w"), utf8("{\"id\": \"spaces\", \"features\": [2, 1]"
                        + " ".repeat(TWENTY) + "}"), Fate.SCORED, null));
        return around(large, LargeRecordsIT::event);
    }

    private static List<Input> around(List<Input> large, java.util.function.IntFunction<Input> small) {
        List<Input> out = new ArrayList<>();
        int i = 0;
        for (Input l : large) {
            out.add(small.apply(i++));
            out.add(l);
        }
        out.add(small.apply(i));
        return out;
    }

    /** Counts what the topology reports: dead letters by reason, records Kafka refused. */
    private static final class Counting implements TopologyListener {
        final Map<DeadLetterReason, Integer> deadLetters = new ConcurrentHashMap<>();
        final AtomicInteger unwritable = new AtomicInteger();

        @Override
        public void deadLetter(String sourceTopic, DeadLetterReason reason) {
            deadLetters.merge(reason, 1, Integer::sum);
        }

        @Override
        public void unwritable(String topicKind, boolean skipped) {
            unwritable.incrementAndGet();
        }
    }

    @Test
    void largeRecordsNeverStopTheLearnerAndAreDeadLetteredCutOnce(KafkaCluster kafka, @TempDir Path state) throws Exception {
        String run = "large-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig config = ConfigLoader.fromYaml("""
                formats: {examples: json, events: json}
                models:
                  - id: default
                    inputSize: 2
                    snapshot: {everyUpdates: 1, everyMs: 100000000}
                """, Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                "stateDir", state.toString()));
        var topics = config.topics();
        // As the user did: input topics that take large records; the learner creates the others.
        TestTopics.createNamed(kafka, topics.examples(), 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, TOPIC_LIMIT));
        TestTopics.createNamed(kafka, topics.events(), 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, TOPIC_LIMIT));

        List<Input> examples = examples();
        List<Input> events = events();
        long trainable = examples.stream().filter(i -> i.fate() == Fate.TRAINED).count();
        List<String> scorable = new ArrayList<>();
        for (Input e : events) {
            if (e.fate() == Fate.SCORED) {
                scorable.add(idOf(e.value()));
            }
        }
        int cut = (int) (examples.stream().filter(i -> i.fate() == Fate.CUT).count()
                + events.stream().filter(i -> i.fate() == Fate.CUT).count());

        Properties producerProps = TutorialDemo.producerProps(config);
        // The test's own producer sends the 20 MiB records; the learner's keeps Kafka's 1 MiB.
        producerProps.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(64 * MIB));
        ModelRegistry registry = new ModelRegistry();
        Counting counting = new Counting();
        List<Sent> sentExamples;
        List<Sent> sentEvents;
        try (StreamlearnApp app = StreamlearnApp.start(config, registry, counting, Duration.ofSeconds(60));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
            sentExamples = produce(producer, topics.examples(), examples);
            await(app, () -> seen(registry) == trainable, () -> "the model saw " + trainable + " examples (now " + seen(registry) + ")");
            sentEvents = produce(producer, topics.events(), events);

            List<ConsumerRecord<byte[], byte[]>> scored = readCommitted(config, topics.scoredEvents(), scorable.size(), app);
            List<ConsumerRecord<byte[], byte[]>> dead = readCommitted(config, topics.deadLetters(), cut, app);

            // (1) Running, and the learner never had a record refused: nothing it wrote was too large.
            assertEquals(KafkaStreams.State.RUNNING, app.streams().state());
            assertEquals(0, counting.unwritable.get(), "records Kafka refused");
            // (2) Exactly the valid examples were trained on; every event whose output fits was scored.
            assertEquals(trainable, seen(registry), "examples trained on");
            var predictions = Topics.of(config).scoredEvents().codec();
            assertEquals(scorable, scored.stream().map(r -> predictions.decode(r.value()).id()).toList());
            // (3) One cut dead letter per large record that could not be used, and no other.
            assertEquals(cut, dead.size(), "dead letters");
            assertCutOnce(topics.examples(), sentExamples, dead);
            assertCutOnce(topics.events(), sentEvents, dead);
            assertEquals(Map.of(DeadLetterReason.TOO_LARGE, cut), counting.deadLetters, "counted as they are labelled");
            // (4) KIP-74, on this broker: the 20 MiB record comes whole to a consumer with default fetch sizes.
            Sent twenty = sentExamples.stream().filter(s -> s.input().what().equals("20 MiB JSON string")).findFirst().orElseThrow();
            byte[] read = readOne(config, topics.examples(), twenty.metadata().get().offset());
            assertEquals(DeadLetters.sha256(twenty.input().value()), DeadLetters.sha256(read), "the 20 MiB record, whole");
        }

        // (5) A restart goes on from the committed offsets: it neither stops nor writes a dead letter again.
        Counting afterRestart = new Counting();
        ModelRegistry again = new ModelRegistry();
        try (StreamlearnApp app = StreamlearnApp.start(config, again, afterRestart, Duration.ofSeconds(60));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
            produce(producer, topics.examples(), List.of(example(100)));
            await(app, () -> seen(again) == trainable + 1, () -> "the restarted model saw " + (trainable + 1)
                    + " examples (now " + seen(again) + ")");
            produce(producer, topics.events(), List.of(event(100)));
            List<ConsumerRecord<byte[], byte[]>> scored = readCommitted(config, topics.scoredEvents(), scorable.size() + 1, app);
            assertEquals("ev100", predictions(config, scored.get(scored.size() - 1)).id());
            assertEquals(cut, readCommitted(config, topics.deadLetters(), cut, app).size(), "no dead letter written twice");
            assertEquals(Map.of(), afterRestart.deadLetters);
            assertEquals(KafkaStreams.State.RUNNING, app.streams().state());
        }
    }

    /** The id of a small or space-padded valid event: what its scored event must carry. */
    private static String idOf(byte[] json) {
        String head = new String(json, 0, Math.min(json.length, 100), StandardCharsets.UTF_8);
        return head.substring(head.indexOf("\"id\": \"") + 7, head.indexOf('"', head.indexOf("\"id\": \"") + 7));
    }

    private static ScoredEvent predictions(StreamlearnConfig config, ConsumerRecord<byte[], byte[]> r) {
        return Topics.of(config).scoredEvents().codec().decode(r.value());
    }

    private static void assertCutOnce(String source, List<Sent> sent, List<ConsumerRecord<byte[], byte[]>> dead)
            throws Exception {
        for (Sent s : sent) {
            long offset = s.metadata().get().offset();
            List<ConsumerRecord<byte[], byte[]>> mine = dead.stream()
                    .filter(d -> source.equals(DeadLetters.header(d.headers(), DeadLetters.TOPIC)))
                    .filter(d -> Long.toString(offset).equals(DeadLetters.header(d.headers(), DeadLetters.OFFSET)))
                    .toList();
            Input in = s.input();
            if (in.fate() != Fate.CUT) {
                assertEquals(List.of(), mine, in.what() + " is not a dead letter");
                continue;
            }
            assertEquals(1, mine.size(), in.what() + ": exactly one dead letter");
            ConsumerRecord<byte[], byte[]> d = mine.get(0);
            String detail = DeadLetters.header(d.headers(), DeadLetters.DETAIL);
            assertEquals("TOO_LARGE", DeadLetters.header(d.headers(), DeadLetters.REASON), in.what() + ": " + detail);
            assertEquals(in.firstReason().name(), DeadLetters.header(d.headers(), DeadLetters.ORIGINAL_REASON),
                    in.what() + ": " + detail);
            assertEquals(Integer.toString(in.value().length), DeadLetters.header(d.headers(), DeadLetters.VALUE_SIZE), in.what());
            assertEquals(DeadLetters.sha256(in.value()), DeadLetters.header(d.headers(), DeadLetters.VALUE_SHA256), in.what());
            assertTrue(d.value().length > 1_000_000 && d.value().length < MIB, in.what() + ": a prefix of "
                    + d.value().length + " bytes");
            assertArrayEquals(Arrays.copyOf(in.value(), d.value().length), d.value(), in.what() + ": the start of the original");
            assertArrayEquals(in.key(), d.key(), in.what() + ": the key, small, kept");
            assertTrue(detail.startsWith(in.firstReason().name() + ": "), detail);
        }
    }

    private static long seen(ModelRegistry registry) {
        DecodedSnapshot p = registry.get(MODEL);
        return p == null ? -1 : p.snapshot().getExamplesSeen();
    }

    private static List<Sent> produce(KafkaProducer<byte[], byte[]> producer, String topic, List<Input> inputs) {
        Deliveries delivered = new Deliveries();
        List<Sent> sent = new ArrayList<>();
        for (Input in : inputs) {
            sent.add(new Sent(in, producer.send(new ProducerRecord<>(topic, in.key(), in.value()), delivered)));
        }
        producer.flush();
        delivered.check();
        assertEquals(inputs.size(), delivered.acknowledged());
        return sent;
    }

    /**
     * Every committed record of {@code topic} (one partition) once at least {@code atLeast} are
     * there, up to its end: more than expected is seen, not cut off. Fails at once if the learner stops.
     */
    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(StreamlearnConfig config, String topic, int atLeast,
                                                                      StreamlearnApp app) throws InterruptedException {
        TopicPartition tp = new TopicPartition(topic, 0);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(config)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            await(app, () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
                return out.size() >= atLeast;
            }, () -> atLeast + " records on " + topic + " (now " + out.size() + ")");
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    private static byte[] readOne(StreamlearnConfig config, String topic, long offset) {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(config)) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return r.value();
                    }
                }
            }
        }
        throw new AssertionError("no record at offset " + offset + " of " + topic);
    }

    /** Kafka's default fetch sizes (1 MiB a partition), reading only committed records. */
    private static KafkaConsumer<byte[], byte[]> consumer(StreamlearnConfig config) {
        Properties props = new Properties();
        props.putAll(KafkaProperties.common(config));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void await(StreamlearnApp app, BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        LearnerAwait.until(app, Duration.ofSeconds(90), condition, what);
    }
}

package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.avro.DeadLetter;
import io.streamlearn.codec.AvroJson;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.HeaderNames;
import io.streamlearn.codec.InvalidRecordException;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.Format;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.model.Label;
import io.streamlearn.testing.ByteRecords;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import io.streamlearn.topology.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What produce writes and what tail prints, checked on the topics themselves; no learner runs, so
 * the records on each topic are exactly the ones a test put there (each test has its own topics).
 */
@WithKafka
class ProduceAndTailIT {
    private List<String> common;
    private StreamlearnConfig config;
    private String bootstrap;

    @BeforeEach
    void freshTopics(KafkaCluster kafka) {
        String run = "pt-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        bootstrap = kafka.bootstrapServers();
        common = List.of("-b", bootstrap, "--config", "examples/tutorial.yaml", "--topic-prefix", run);
        config = ConfigLoader.load(Path.of("examples/tutorial.yaml"), Map.of("bootstrapServers", bootstrap, "topics.prefix", run));
    }

    private Cli.Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(common);
        Cli.Result r = Cli.run(all.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    private List<LabeledExample> examples(int n, Format format) {
        Codec<LabeledExample> codec = Codecs.examples(format, 1000);
        List<ConsumerRecord<byte[], byte[]>> records = ByteRecords.readPartitionZero(bootstrap, config.topics().examples(), n);
        assertEquals(n, records.size(), "records on " + config.topics().examples());
        return records.stream().map(r -> codec.decode(r.value())).toList();
    }

    @Test
    void theProgressBarGoesToStderrAndEndsAtTheTotal() {
        Cli.Result r = run("produce", "--generator", "blobs", "--count", "200", "--model", "blobs", "--progress");
        assertTrue(r.err().contains("] 100% 200/200"), "a bar ending at the total on stderr:\n" + r.err());
        assertFalse(r.out().contains("200/200"), "the bar stays off stdout:\n" + r.out());
        examples(200, Format.JSON);
    }

    @Test
    void gaussianClassesHaveTheAskedDimensionsAndClasses() {
        // No tutorial model takes 3 features: unchecked, as a user trying the dead letters would send them.
        run("produce", "--generator", "gaussian", "--dims", "3", "--classes", "3", "--count", "60", "--model", "g", "--no-check");
        List<LabeledExample> got = examples(60, Format.JSON);
        Set<Double> labels = new HashSet<>();
        for (LabeledExample e : got) {
            assertEquals(3, e.features().length);
            assertEquals("g", e.model());
            double y = ((Label.Scalar) e.label()).value();
            assertTrue(y == 0 || y == 1 || y == 2, "label " + y);
            labels.add(y);
        }
        assertEquals(3, labels.size(), "every class appears in 60 draws");
    }

    @Test
    void theHyperplaneLabelsPointsInTheCubeByASide() {
        run("produce", "--generator", "hyperplane", "--dims", "4", "--count", "40", "--no-check");
        Set<Double> labels = new HashSet<>();
        for (LabeledExample e : examples(40, Format.JSON)) {
            assertEquals(4, e.features().length);
            for (double x : e.features()) {
                assertTrue(x >= -1 && x <= 1, "in [-1, 1]: " + x);
            }
            labels.add(((Label.Scalar) e.label()).value());
        }
        assertEquals(Set.of(0.0, 1.0), labels);
    }

    @Test
    void avroRecordsAreSingleObjectEncodedForTheCodecs() {
        run("produce", "--generator", "blobs", "--count", "5", "--format", "avro", "--model", "blobs");
        List<ConsumerRecord<byte[], byte[]>> raw = ByteRecords.readPartitionZero(bootstrap, config.topics().examples(), 5);
        assertEquals(5, raw.size());
        for (ConsumerRecord<byte[], byte[]> r : raw) {
            assertArrayEquals(new byte[] {(byte) 0xC3, 0x01}, java.util.Arrays.copyOf(r.value(), 2), "single-object marker");
            LabeledExample e = Codecs.examples(Format.AVRO, 1000).decode(r.value());
            assertEquals("blobs", e.model());
            assertEquals(2, e.features().length);
            assertThrows(InvalidRecordException.class, () -> Codecs.examples(Format.JSON, 1000).decode(r.value()));
        }
    }

    @Test
    void theLabelsFileHoldsTheTrueLabelOfEveryHeldOutEvent(@TempDir Path dir) throws Exception {
        Path labels = dir.resolve("labels.csv");
        Cli.Result r = run("produce", "--generator", "or", "--count", "8", "--holdout", "0.5", "--labels-file", labels.toString(),
                "--wait-for-weights", "0");
        assertTrue(r.out().contains("produced 4 examples") && r.out().contains("and 4 events"), r.toString());
        List<String> lines = Files.readAllLines(labels);
        assertEquals("id,label", lines.get(0));
        Map<String, String> fromFile = new HashMap<>();
        lines.subList(1, lines.size()).forEach(l -> fromFile.put(l.split(",")[0], l.split(",")[1]));
        assertEquals(4, fromFile.size(), lines.toString());
        Codec<Event> codec = Codecs.events(Format.JSON, 1000);
        for (ConsumerRecord<byte[], byte[]> e : ByteRecords.readPartitionZero(bootstrap, config.topics().events(), 4)) {
            String id = codec.decode(e.value()).id();
            String header = new String(e.headers().lastHeader(HeaderNames.TRUE_LABEL).value(), StandardCharsets.UTF_8);
            assertEquals(fromFile.get(id), header, "event " + id);
        }
    }

    @Test
    void aRateStampsEventTimeOnAFixedScheduleFromAWholeSecond() {
        run("produce", "--generator", "blobs", "--count", "10", "--rate", "20");
        List<ConsumerRecord<byte[], byte[]>> raw = ByteRecords.readPartitionZero(bootstrap, config.topics().examples(), 10);
        assertEquals(10, raw.size());
        long first = raw.get(0).timestamp();
        assertEquals(0, first % 1000, "starts on a whole second: " + first);
        for (int i = 0; i < raw.size(); i++) {
            assertEquals(first + i * 50L, raw.get(i).timestamp(), "record " + i + " at start + i/rate");
        }
    }

    @Test
    void tailFromNowShowsOnlyLaterRecordsAndStopsOnItsTimeout() throws Exception {
        Codec<ScoredEvent> codec = Codecs.predictions(Format.JSON);
        String topic = config.topics().scoredEvents();
        run("tail", "scored-events", "--timeout", "0.5"); // creates the topics
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            p.send(new ProducerRecord<>(topic, codec.encode(new ScoredEvent("before", "m", 1, new double[] {0.9}, 1, 1L)))).get();
            CompletableFuture<Cli.Result> tail = CompletableFuture.supplyAsync(() -> Cli.run(withCommon(
                    "tail", "scored-events", "--max", "1", "--timeout", "60")));
            // Tail seeks to the end once connected; keep sending until it has seen one.
            for (int i = 0; !tail.isDone() && i < 300; i++) {
                p.send(new ProducerRecord<>(topic, codec.encode(new ScoredEvent("after-" + i, "m", 1, new double[] {0.9}, 1, 2L))));
                p.flush();
                Thread.sleep(100);
            }
            Cli.Result r = tail.get(60, TimeUnit.SECONDS);
            assertEquals(0, r.exit(), r.toString());
            assertEquals(1, r.out().lines().count(), r.toString());
            assertTrue(r.out().contains("id=after-"), r.toString());
            assertFalse(r.out().contains("id=before"), r.toString());
        }
        Cli.Result quiet = run("tail", "scored-events", "--timeout", "1");
        assertEquals("", quiet.out(), "nothing new within the timeout: " + quiet);
        Cli.Result all = run("tail", "scored-events", "--from-beginning", "--timeout", "3");
        assertTrue(all.out().lines().findFirst().orElse("").contains("id=before"), "from the beginning: " + all);
    }

    @Test
    void tailJsonWithAccuracyPrintsOnlyJsonLines() throws Exception {
        Codec<ScoredEvent> codec = Codecs.predictions(Format.JSON);
        run("tail", "scored-events", "--timeout", "0.5");
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (int i = 0; i < 4; i++) {
                RecordHeaders h = new RecordHeaders();
                h.add(HeaderNames.TRUE_LABEL, (i < 3 ? "1" : "0").getBytes(StandardCharsets.UTF_8));
                p.send(new ProducerRecord<byte[], byte[]>(config.topics().scoredEvents(), null, (byte[]) null,
                        codec.encode(new ScoredEvent("e" + i, "m", 3, new double[] {0.8}, 1, 5L)), h)).get();
            }
        }
        Cli.Result r = run("tail", "scored-events", "--from-beginning", "--max", "4", "--json", "--accuracy", "--timeout", "30");
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : r.out().lines().toList()) {
            lines.add(json.readTree(line)); // throws when a line is not JSON
        }
        assertEquals(5, lines.size(), r.toString());
        assertEquals("e0", lines.get(0).get("id").asText());
        JsonNode summary = lines.get(4);
        assertEquals(0.75, summary.get("accuracy").asDouble(), 1e-12, r.toString());
        assertEquals(3, summary.get("correct").asInt());
        assertEquals(4, summary.get("compared").asInt());
    }

    @Test
    void aDeadLetterInJsonIsTheDeadLetterSchemasJson() throws Exception {
        run("tail", "dead-letters", "--timeout", "0.5");
        byte[] value = {'{', 'x', (byte) 0xFF, 0x00};
        RecordHeaders h = new RecordHeaders();
        h.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
        h.add(DeadLetters.REASON, "UNDECODABLE".getBytes(StandardCharsets.UTF_8));
        h.add(DeadLetters.DETAIL, "not JSON".getBytes(StandardCharsets.UTF_8));
        h.add(DeadLetters.TOPIC, "some-examples".getBytes(StandardCharsets.UTF_8));
        h.add(DeadLetters.PARTITION, "2".getBytes(StandardCharsets.UTF_8));
        h.add(DeadLetters.OFFSET, "1234".getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            p.send(new ProducerRecord<>(config.topics().deadLetters(), null, 42L, "k".getBytes(StandardCharsets.UTF_8), value, h))
                    .get();
            p.send(new ProducerRecord<byte[], byte[]>(config.topics().deadLetters(), null, 43L, (byte[]) null, (byte[]) null, new RecordHeaders())).get();
        }
        Cli.Result r = run("tail", "dead-letters", "--from-beginning", "--max", "2", "--json", "--timeout", "30");
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.toString());
        AvroJson<DeadLetter> schemaJson = new AvroJson<>(DeadLetter.getClassSchema());
        DeadLetter d = schemaJson.decode(lines.get(0).getBytes(StandardCharsets.UTF_8));
        assertEquals("UNDECODABLE", d.getReason());
        assertEquals("not JSON", d.getDetail());
        assertEquals("some-examples", d.getSourceTopic());
        assertEquals(2, d.getPartition());
        assertEquals(1234L, d.getOffset());
        assertEquals(42L, d.getTimestamp());
        assertArrayEquals("k".getBytes(StandardCharsets.UTF_8), bytes(d.getKey()));
        assertArrayEquals(value, bytes(d.getValue()), "the original bytes, exactly");
        assertEquals(1, d.getHeaders().size(), "the original headers, without the dlq ones: " + d.getHeaders());
        assertEquals("trace", d.getHeaders().get(0).getKey());
        assertArrayEquals("t-1".getBytes(StandardCharsets.UTF_8), bytes(d.getHeaders().get(0).getValue()));
        DeadLetter empty = schemaJson.decode(lines.get(1).getBytes(StandardCharsets.UTF_8));
        assertNull(empty.getKey());
        assertNull(empty.getValue());
        assertEquals(43L, empty.getTimestamp());
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private String[] withCommon(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(common);
        return all.toArray(String[]::new);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}

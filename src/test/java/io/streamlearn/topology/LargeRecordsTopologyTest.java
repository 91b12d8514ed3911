package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Records larger than Kafka takes by default (1 MiB) never make the topology write a record over
 * its limits: a bad one is dead-lettered cut, a valid event whose scored event would be too large
 * is dead-lettered, and a valid example is trained on without being written anywhere whole.
 */
class LargeRecordsTopologyTest {
    private static final RecordLimits LIMITS = RecordLimits.KAFKA_DEFAULTS;
    private static final String YAML = """
            applicationId: ttd
            models:
              - id: default
                inputSize: 2
                optimizer: {kind: sgd, learningRate: 0.1}
                snapshot: {everyUpdates: 1}
            """;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] garbage(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        b[0] = (byte) 0xC3; // not the start of any JSON value
        return b;
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        return TopologyFixture.header(r, name);
    }

    private static long size(TestRecord<byte[], byte[]> r) {
        return RecordLimits.sizeOf(r.key(), r.value(), r.headers());
    }

    /** A TOO_LARGE dead letter of {@code original}: within the limit, its start, its size and hash. */
    private static void assertCut(TestRecord<byte[], byte[]> d, byte[] original, DeadLetterReason first) {
        String detail = header(d, DeadLetters.DETAIL);
        assertTrue(size(d) <= LIMITS.deadLetters(), "within the dead-letters limit: " + size(d));
        assertEquals("TOO_LARGE", header(d, DeadLetters.REASON), detail);
        assertEquals(first.name(), header(d, DeadLetters.ORIGINAL_REASON), detail);
        assertTrue(detail.startsWith(first.name() + ": "), detail);
        assertEquals(Integer.toString(original.length), header(d, DeadLetters.VALUE_SIZE));
        assertEquals(DeadLetters.sha256(original), header(d, DeadLetters.VALUE_SHA256));
        assertTrue(d.value().length > 1_000_000, "most of the room is the value's start: " + d.value().length);
        assertArrayEquals(Arrays.copyOf(original, d.value().length), d.value(), "the start of the original value");
    }

    @Test
    void aBadExampleTooLargeToDeadLetterWholeIsCutAndTheNextOnesTrain() {
        List<DeadLetterReason> counted = new ArrayList<>();
        TopologyListener listener = new TopologyListener() {
            @Override
            public void deadLetter(String topic, DeadLetterReason reason) {
                counted.add(reason);
            }
        };
        try (TopologyFixture f = new TopologyFixture(ConfigLoader.fromYaml(YAML, Map.of()), LIMITS, listener)) {
            byte[] big = garbage(2_000_000);
            RecordHeaders h = new RecordHeaders();
            h.add("trace", utf8("big"));
            f.example("{\"features\": [1, 2], \"label\": 1}", 1);
            f.examples.pipeInput(new TestRecord<>(utf8("user-1"), big, h, 2L));
            f.example("{\"features\": [2, 1], \"label\": 0}", 3);

            List<TestRecord<byte[], byte[]>> dead = f.readDeadLetters();
            assertEquals(1, dead.size());
            TestRecord<byte[], byte[]> d = dead.get(0);
            assertCut(d, big, DeadLetterReason.UNDECODABLE);
            assertArrayEquals(utf8("user-1"), d.key(), "a small key is kept");
            assertEquals("big", header(d, "trace"), "small headers are kept");
            assertEquals(f.config.topics().examples(), header(d, DeadLetters.TOPIC));
            assertEquals("1", header(d, DeadLetters.OFFSET));
            assertEquals(List.of(DeadLetterReason.TOO_LARGE), counted, "counted under the reason the dead letter carries");
            List<Long> seen = f.readWeights().stream().map(s -> s.getExamplesSeen()).toList();
            assertEquals(List.of(1L, 2L), seen, "the examples on either side were trained on");
        }
    }

    @Test
    void aValidEventWhoseScoredEventWouldBeTooLargeIsDeadLetteredAndTheOthersScored() {
        List<DeadLetterReason> counted = new ArrayList<>();
        TopologyListener listener = new TopologyListener() {
            @Override
            public void deadLetter(String topic, DeadLetterReason reason) {
                counted.add(reason);
            }
        };
        try (TopologyFixture f = new TopologyFixture(ConfigLoader.fromYaml(YAML, Map.of()), LIMITS, listener)) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 1);
            String longId = "i".repeat(2_000_000);
            byte[] withLongId = utf8("{\"id\": \"" + longId + "\", \"features\": [1, 1]}");
            // Valid and 2 MB, but almost all of it whitespace: its scored event is small.
            byte[] spacious = utf8("{\"id\": \"ws\", \"features\": [1, 1]" + " ".repeat(2_000_000) + "}");
            RecordHeaders bigHeader = new RecordHeaders();
            bigHeader.add("blob", new byte[1_500_000]);

            f.event("k1", "{\"id\": \"before\", \"features\": [1, 1]}", 2);
            f.events.pipeInput(new TestRecord<>(utf8("k2"), withLongId, new RecordHeaders(), 3L));
            f.events.pipeInput(new TestRecord<>(utf8("k3"), spacious, new RecordHeaders(), 4L));
            f.events.pipeInput(new TestRecord<>(utf8("k4"), utf8("{\"id\": \"hdr\", \"features\": [1, 1]}"), bigHeader, 5L));
            f.event("k5", "{\"id\": \"after\", \"features\": [1, 1]}", 6);

            List<TestRecord<byte[], byte[]>> scored = f.scored.readRecordsToList();
            assertEquals(List.of("before", "ws", "after"),
                    scored.stream().map(r -> f.readScoredValue(r.value()).id()).toList());
            scored.forEach(r -> assertTrue(size(r) <= LIMITS.scoredEvents()));

            List<TestRecord<byte[], byte[]>> dead = f.readDeadLetters();
            assertEquals(2, dead.size());
            TestRecord<byte[], byte[]> d = dead.get(0);
            assertCut(d, withLongId, DeadLetterReason.TOO_LARGE);
            assertTrue(header(d, DeadLetters.DETAIL).contains("scored event would be"), header(d, DeadLetters.DETAIL));
            assertEquals(f.config.topics().events(), header(d, DeadLetters.TOPIC));
            assertArrayEquals(utf8("k2"), d.key());

            // Its own value fits: the dead letter is the original, only the big header goes.
            TestRecord<byte[], byte[]> h = dead.get(1);
            assertEquals("TOO_LARGE", header(h, DeadLetters.REASON));
            assertArrayEquals(utf8("{\"id\": \"hdr\", \"features\": [1, 1]}"), h.value());
            assertNull(h.headers().lastHeader("blob"));
            assertTrue(size(h) <= LIMITS.deadLetters());
            assertEquals(List.of(DeadLetterReason.TOO_LARGE, DeadLetterReason.TOO_LARGE), counted);
        }
    }

    @Test
    void aValidExampleWithAHugeIdAndHeaderIsTrainedAndRepartitionedSmall() {
        StreamlearnConfig config = ConfigLoader.fromYaml(YAML + "topics: {partitions: 2}\n", Map.of());
        try (TopologyFixture f = new TopologyFixture(config, LIMITS, TopologyListener.NONE)) {
            var repartition = f.driver.createOutputTopic(Names.repartitionTopic(config.applicationId()),
                    new StringDeserializer(), new ByteArrayDeserializer());
            RecordHeaders h = new RecordHeaders();
            h.add("blob", new byte[2_000_000]);
            byte[] value = utf8("{\"id\": \"" + "i".repeat(2_000_000) + "\", \"features\": [1, 2], \"label\": 1}");
            f.examples.pipeInput(new TestRecord<>(utf8("user-1"), value, h, 1L));

            var routed = repartition.readRecordsToList();
            assertEquals(1, routed.size());
            long size = RecordLimits.sizeOf(utf8(routed.get(0).key()), routed.get(0).value(), routed.get(0).headers());
            assertTrue(size < 1000, "neither the id nor the headers travel to the trainer: " + size);
            assertEquals(List.of(1L), f.readWeights().stream().map(s -> s.getExamplesSeen()).toList());
            assertEquals(List.of(), f.readDeadLetters());
        }
    }

    @Test
    void aScoredEventThatFitsIsUnchanged() {
        try (TopologyFixture f = new TopologyFixture(ConfigLoader.fromYaml(YAML, Map.of()), LIMITS, TopologyListener.NONE)) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 1);
            // Just under the limit: an id that leaves the scored event a few hundred bytes short of it.
            String id = "i".repeat(LIMITS.scoredEvents() - 400);
            f.event("k", "{\"id\": \"" + id + "\", \"features\": [1, 1]}", 2);
            List<ScoredEvent> p = f.readScored();
            assertEquals(1, p.size());
            assertEquals(id, p.get(0).id());
            assertEquals(List.of(), f.readDeadLetters());
        }
    }
}

package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.AvroEventCodec;
import io.streamlearn.codec.AvroExampleCodec;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad input goes to dead-letters with its original bytes, its headers, and a
 * reason header; the valid records around it are still trained on.
 */
class DeadLetterTopologyTest {

    private static final String TWO_MODELS = """
            applicationId: ttd
            maxFeatures: 5
            models:
              - id: default
                inputSize: 2
                optimizer: {kind: sgd, learningRate: 0.1}
                snapshot: {everyUpdates: 1}
              - id: iris
                inputSize: 4
                layers: [{units: 3, activation: softmax}]
                loss: categorical_cross_entropy
            """;

    private record Bad(byte[] value, DeadLetterReason reason) {
    }

    private static byte[] utf8(String s) {
        return TopologyFixture.utf8(s);
    }

    @Test
    void everyBadJsonExampleIsDeadLetteredWithItsReasonAndTheGoodOnesTrain() {
        List<Bad> bad = List.of(
                new Bad(null, DeadLetterReason.NULL_VALUE),
                new Bad(utf8("{\"features\": [1, 2], \"label\""), DeadLetterReason.UNDECODABLE),
                new Bad(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3}, DeadLetterReason.UNDECODABLE),
                new Bad(utf8("{\"label\": 1}"), DeadLetterReason.MISSING_FIELD),
                new Bad(utf8("{\"features\": [NaN, 1], \"label\": 1}"), DeadLetterReason.NON_FINITE_VALUE),
                new Bad(utf8("{\"features\": [Infinity, 1], \"label\": 1}"), DeadLetterReason.NON_FINITE_VALUE),
                new Bad(utf8("{\"features\": [1, 2, 3], \"label\": 1}"), DeadLetterReason.WRONG_DIMENSION),
                new Bad(utf8("{\"features\": [1, 2], \"label\": 2}"), DeadLetterReason.LABEL_OUT_OF_RANGE),
                new Bad(utf8("{\"features\": [1, 2, 3, 4], \"label\": 3}"), DeadLetterReason.WRONG_DIMENSION),
                new Bad(utf8("{\"model\": \"iris\", \"features\": [1, 2, 3, 4], \"label\": 3}"), DeadLetterReason.LABEL_OUT_OF_RANGE),
                new Bad(utf8("{\"model\": \"nope\", \"features\": [1, 2], \"label\": 1}"), DeadLetterReason.UNKNOWN_MODEL),
                new Bad(utf8("{\"features\": [1, 2, 3, 4, 5, 6], \"label\": 1}"), DeadLetterReason.TOO_MANY_FEATURES),
                new Bad(utf8("{\"features\": [1, 2], \"label\": [1, 0]}"), DeadLetterReason.LABEL_OUT_OF_RANGE));
        Map<DeadLetterReason, Integer> counted = new EnumMap<>(DeadLetterReason.class);
        TopologyListener listener = new TopologyListener() {
            @Override
            public void deadLetter(String topic, DeadLetterReason reason) {
                counted.merge(reason, 1, Integer::sum);
            }
        };
        try (TopologyFixture f = new TopologyFixture(ConfigLoader.fromYaml(TWO_MODELS, Map.of()), listener)) {
            long ts = 0;
            int good = 0;
            for (Bad b : bad) {
                RecordHeaders h = new RecordHeaders();
                h.add("trace", utf8("t-" + ts));
                f.examples.pipeInput(new TestRecord<>(utf8("k" + ts), b.value(), h, ts++));
                f.example("{\"features\": [1, " + ts + "], \"label\": 1}", ts++);
                good++;
            }
            List<TestRecord<byte[], byte[]>> dead = f.readDeadLetters();
            assertEquals(bad.size(), dead.size());
            for (int i = 0; i < bad.size(); i++) {
                TestRecord<byte[], byte[]> d = dead.get(i);
                assertEquals(bad.get(i).reason().name(), TopologyFixture.header(d, DeadLetters.REASON),
                        "record " + i + ": " + TopologyFixture.header(d, DeadLetters.DETAIL));
                assertArrayEquals(bad.get(i).value(), d.value(), "original value bytes");
                assertArrayEquals(utf8("k" + 2 * i), d.key(), "original key");
                assertNotNull(d.headers().lastHeader("trace"), "original headers kept");
                assertEquals(f.config.topics().examples(), TopologyFixture.header(d, DeadLetters.TOPIC));
                assertEquals(Integer.toString(2 * i), TopologyFixture.header(d, DeadLetters.OFFSET));
                assertEquals("0", TopologyFixture.header(d, DeadLetters.PARTITION));
            }
            List<WeightSnapshot> snaps = f.readWeights();
            assertEquals(good, snaps.get(snaps.size() - 1).getExamplesSeen(), "every valid record was trained on");
            Map<DeadLetterReason, Integer> expected = new EnumMap<>(DeadLetterReason.class);
            bad.forEach(b -> expected.merge(b.reason(), 1, Integer::sum));
            assertEquals(expected, counted, "the listener counts dead letters by reason");
        }
    }

    @Test
    void avroTopicsRefuseTruncatedAndForeignRecords() {
        String yaml = TWO_MODELS + "formats: {examples: avro, events: avro}\n";
        try (TopologyFixture f = new TopologyFixture(yaml)) {
            AvroExampleCodec codec = new AvroExampleCodec(100);
            byte[] good = codec.encode(LabeledExample.of("a", null, new double[] {1, 2}, 1));
            byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
            byte[] event = new AvroEventCodec(100).encode(new Event("e", null, new double[] {1, 2}));
            f.examples.pipeInput(null, truncated, 1);
            f.examples.pipeInput(null, event, 2);
            f.examples.pipeInput(null, good, 3);
            List<TestRecord<byte[], byte[]>> dead = f.readDeadLetters();
            List<String> reasons = new ArrayList<>();
            dead.forEach(d -> reasons.add(TopologyFixture.header(d, DeadLetters.REASON)));
            assertEquals(List.of("UNDECODABLE", "WRONG_SCHEMA"), reasons);
            assertEquals(1, f.readWeights().get(0).getExamplesSeen());
        }
    }

    @Test
    void eventsForAModelWithoutWeightsAreDeadLettered() {
        try (TopologyFixture f = new TopologyFixture(TWO_MODELS)) {
            f.event("k", "{\"id\": \"e1\", \"features\": [1, 2]}", 5);
            f.event("k", "{\"id\": \"e2\", \"features\": [1]}", 6);
            List<TestRecord<byte[], byte[]>> dead = f.readDeadLetters();
            assertEquals(2, dead.size());
            assertEquals("NO_WEIGHTS_YET", TopologyFixture.header(dead.get(0), DeadLetters.REASON));
            // The second event's dimension is wrong too, but without weights there is nothing to check it against.
            assertEquals("NO_WEIGHTS_YET", TopologyFixture.header(dead.get(1), DeadLetters.REASON));
            assertEquals(f.config.topics().events(), TopologyFixture.header(dead.get(0), DeadLetters.TOPIC));
            assertEquals(0, f.readScored().size());
        }
    }
}

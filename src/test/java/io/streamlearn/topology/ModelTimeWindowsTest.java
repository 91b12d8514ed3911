package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.snapshot.DecodedSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Windows close on each model's own event time, on the real topology: another model's records
 * (which move the task's stream time) close none of a model's windows; a record for a window
 * that has closed is dead-lettered LATE with its original bytes; with grace an out-of-order
 * record joins its own window; a record stamped beyond the wall clock plus the tolerance is
 * dead-lettered FUTURE_TIMESTAMP and freezes nothing. The driver's wall clock starts at 0.
 */
class ModelTimeWindowsTest {
    /** A linear unit from zero weights, 1-second windows, a snapshot per update. */
    private static final String MODEL = """
              - id: %s
                inputSize: 2
                layers: [{units: 1, activation: linear}]
                loss: squared_error
                optimizer: {kind: sgd, learningRate: 0.1}
                initialWeights: [[0, 0]]
                initialBiases: [[0]]
                update: {mode: window, windowMs: 1000%s}
                snapshot: {everyUpdates: 1, everyMs: 100000000}
            """;

    private static String yaml(String extra, String aUpdate) {
        return "applicationId: ttd\ndefaultModel: a\n" + extra + "models:\n" + MODEL.formatted("a", aUpdate)
                + MODEL.formatted("b", "");
    }

    private static final String YAML = yaml("", "");

    private static String json(String model, int label) {
        return "{\"model\": \"" + model + "\", \"features\": [1, 2], \"label\": " + label + "}";
    }

    private static void example(TopologyFixture f, String model, long timestamp) {
        f.example(json(model, 1), timestamp);
    }

    private static WeightSnapshot only(List<WeightSnapshot> snaps, String model) {
        List<WeightSnapshot> of = snaps.stream().filter(s -> s.getModel().equals(model)).toList();
        assertEquals(1, of.size(), model + " in " + snaps);
        return of.get(0);
    }

    @Test
    void anotherModelsRecordsCloseNoWindowAndWallClockClosesNothing() {
        try (TopologyFixture f = new TopologyFixture(YAML)) {
            example(f, "a", 100);
            example(f, "b", 200);
            example(f, "b", 1_500);
            WeightSnapshot b = only(f.readWeights(), "b");
            assertEquals(1, b.getUpdatesApplied(), "b's own record closed b's window");
            assertEquals(1_500, b.getCreatedAt(), "published at b's event time");
            assertEquals(1, TrainingTopologyTest.checkpoint(f, "a").getPendingCount(), "a's window [0, 1000) is open");

            // Older than the task's stream time (1500) but in a's open window: learned, not late.
            example(f, "a", 300);
            assertTrue(f.readDeadLetters().isEmpty());
            assertTrue(f.readWeights().isEmpty());
            DecodedSnapshot heldB = f.registry.get("b");
            f.driver.advanceWallClockTime(Duration.ofHours(1));
            assertTrue(f.readWeights().isEmpty(), "wall-clock time closes no window and publishes nothing new");
            assertSame(heldB, f.registry.get("b"));

            example(f, "a", 1_000);
            WeightSnapshot a = only(f.readWeights(), "a");
            assertEquals(1, a.getUpdatesApplied(), "a's record at its window's end closed it");
            assertEquals(3, a.getExamplesSeen());
            // Both of a's examples at w = 0: dz = -1 -> g = (-1, -2, -1), so w = 0.1·(1, 2), b = 0.1.
            assertEquals(List.of(0.1, 0.2), a.getLayers().get(0).getWeights());
            assertEquals(0, TrainingTopologyTest.checkpoint(f, "a").getLateRecords());
        }
    }

    @Test
    void aRecordForAClosedWindowIsDeadLetteredLateWithItsOriginalRecord() {
        try (TopologyFixture f = new TopologyFixture(YAML)) {
            example(f, "a", 100);
            example(f, "a", 1_200);
            assertEquals(1, f.readWeights().size());
            RecordHeaders headers = new RecordHeaders();
            headers.add("trace", "t-42".getBytes(StandardCharsets.UTF_8));
            byte[] value = json("a", 0).getBytes(StandardCharsets.UTF_8);
            f.examples.pipeInput(new TestRecord<>("k-9".getBytes(StandardCharsets.UTF_8), value, headers, 900L));

            List<TestRecord<byte[], byte[]>> dead = f.readDeadLetters();
            assertEquals(1, dead.size());
            TestRecord<byte[], byte[]> late = dead.get(0);
            assertEquals("LATE", TopologyFixture.header(late, DeadLetters.REASON));
            assertArrayEquals(value, late.value(), "the original bytes");
            assertEquals("k-9", new String(late.key(), StandardCharsets.UTF_8));
            assertEquals("t-42", TopologyFixture.header(late, "trace"));
            assertEquals(900L, late.timestamp());
            assertEquals(f.config.topics().examples(), TopologyFixture.header(late, DeadLetters.TOPIC));
            assertEquals("2", TopologyFixture.header(late, DeadLetters.OFFSET));
            String detail = TopologyFixture.header(late, DeadLetters.DETAIL);
            assertTrue(detail.contains("window [0, 1000) of model 'a'") && detail.contains("closed at event time 1000")
                    && detail.contains("event time is 1200"), detail);
            assertEquals(1, TrainingTopologyTest.checkpoint(f, "a").getLateRecords());
            assertEquals(2, TrainingTopologyTest.checkpoint(f, "a").getSnapshot().getExamplesSeen(), "not learned");
        }
    }

    @Test
    void withGraceAnOutOfOrderRecordJoinsItsOwnWindowUntilItCloses() {
        try (TopologyFixture f = new TopologyFixture(yaml("", ", graceMs: 500"))) {
            example(f, "a", 100);
            f.example(json("a", 0), 1_200); // [1000, 2000): label 0 at w = 0 has no gradient, but counts in its window
            example(f, "a", 900);           // [0, 1000) is open until the clock reaches 1500
            assertTrue(f.readDeadLetters().isEmpty(), "not late within the grace");
            assertEquals(1, TrainingTopologyTest.checkpoint(f, "a").getOpenWindows().size(), "[1000, 2000) waits beside it");
            assertTrue(f.readWeights().isEmpty());
            example(f, "a", 1_600);
            WeightSnapshot a = only(f.readWeights(), "a");
            // [0, 1000) alone: the two examples at 100 and 900, g = (-1, -2, -1) each (with the one at 1200 averaged in
            // it would be two thirds of that).
            assertEquals(List.of(0.1, 0.2), a.getLayers().get(0).getWeights());
            assertEquals(1, a.getUpdatesApplied());
            assertEquals(2, TrainingTopologyTest.checkpoint(f, "a").getPendingCount(), "[1000, 2000) holds 1200 and 1600");

            example(f, "a", 950); // [0, 1000) closed at 1500
            List<TestRecord<byte[], byte[]>> dead = f.readDeadLetters();
            assertEquals(1, dead.size());
            assertEquals("LATE", TopologyFixture.header(dead.get(0), DeadLetters.REASON));
            assertTrue(TopologyFixture.header(dead.get(0), DeadLetters.DETAIL).contains("closed at event time 1500 (its end + graceMs 500)"));
        }
    }

    /**
     * Examples re-keyed by model (several partitions) reach the trainer through an internal topic:
     * a late one's dead letter still holds its original key, value and headers and where it was
     * read; one too large to carry holds their sizes and SHA-256, cut like any dead letter too large.
     */
    @Test
    void throughTheRekeyingTopicALateRecordKeepsItsOriginalRecord() {
        try (TopologyFixture f = new TopologyFixture(yaml("topics: {partitions: 2}\n", ""))) {
            example(f, "a", 100);
            example(f, "a", 1_200);
            RecordHeaders headers = new RecordHeaders();
            headers.add("trace", "t-7".getBytes(StandardCharsets.UTF_8));
            byte[] value = json("a", 0).getBytes(StandardCharsets.UTF_8);
            f.examples.pipeInput(new TestRecord<>("k-1".getBytes(StandardCharsets.UTF_8), value, headers, 900L));
            byte[] big = ("{\"id\": \"" + "x".repeat(70_000) + "\", \"model\": \"a\", \"features\": [1, 2], \"label\": 1}")
                    .getBytes(StandardCharsets.UTF_8);
            f.examples.pipeInput(new TestRecord<>("k-2".getBytes(StandardCharsets.UTF_8), big, new RecordHeaders(), 950L));

            List<TestRecord<byte[], byte[]>> dead = f.readDeadLetters();
            assertEquals(2, dead.size());
            TestRecord<byte[], byte[]> late = dead.get(0);
            assertEquals("LATE", TopologyFixture.header(late, DeadLetters.REASON));
            assertArrayEquals(value, late.value());
            assertEquals("k-1", new String(late.key(), StandardCharsets.UTF_8));
            assertEquals("t-7", TopologyFixture.header(late, "trace"));
            assertNull(TopologyFixture.header(late, Originals.VALUE), "what carried it stays behind");
            assertEquals(f.config.topics().examples(), TopologyFixture.header(late, DeadLetters.TOPIC));
            assertEquals("2", TopologyFixture.header(late, DeadLetters.OFFSET));

            TestRecord<byte[], byte[]> cut = dead.get(1);
            assertEquals("TOO_LARGE", TopologyFixture.header(cut, DeadLetters.REASON));
            assertEquals("LATE", TopologyFixture.header(cut, DeadLetters.ORIGINAL_REASON));
            assertEquals(Integer.toString(big.length), TopologyFixture.header(cut, DeadLetters.VALUE_SIZE));
            assertEquals(DeadLetters.sha256(big), TopologyFixture.header(cut, DeadLetters.VALUE_SHA256));
            assertEquals("3", TopologyFixture.header(cut, DeadLetters.OFFSET));
            assertEquals(0, cut.value().length);
            assertEquals(2, TrainingTopologyTest.checkpoint(f, "a").getLateRecords());
        }
    }

    @Test
    void aRecordStampedTooFarAheadIsDeadLetteredAndFreezesNothing() {
        try (TopologyFixture f = new TopologyFixture(YAML)) {
            f.driver.advanceWallClockTime(Duration.ofMillis(1_000_000));
            example(f, "a", 100);
            example(f, "b", 100);
            long future = 1_000_000 + 600_000;
            example(f, "a", future);

            TestRecord<byte[], byte[]> dead = f.readDeadLetters().get(0);
            assertEquals("FUTURE_TIMESTAMP", TopologyFixture.header(dead, DeadLetters.REASON));
            assertArrayEquals(json("a", 1).getBytes(StandardCharsets.UTF_8), dead.value());
            assertEquals(1_000_000L, dead.timestamp(), "stamped with the learner's clock");
            assertEquals(Long.toString(future), TopologyFixture.header(dead, DeadLetters.TIMESTAMP));
            assertTrue(TopologyFixture.header(dead, DeadLetters.DETAIL).contains("600000 ms ahead"));
            assertEquals(100, TrainingTopologyTest.checkpoint(f, "a").getEventTime(), "a's clock did not move");

            // Both models' windows go on closing with their own records.
            example(f, "a", 1_100);
            example(f, "b", 1_100);
            List<WeightSnapshot> snaps = f.readWeights();
            assertEquals(1, only(snaps, "a").getUpdatesApplied());
            assertEquals(1, only(snaps, "b").getUpdatesApplied());
            assertTrue(f.readDeadLetters().isEmpty(), "nothing late after it");
        }
    }
}

package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.snapshot.DecodedSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Windows close by stream time, never by wall clock. The design: stream time is per task, and the
 * trainer's stream-time punctuation closes the due window of every model of its task, so one
 * model's records close another model's window when both are learned by the same task (always
 * with one partition; with several, only models whose ids hash to the same partition share a
 * task's stream time). Wall-clock time passing closes nothing and publishes nothing.
 */
class StreamTimeWindowsTest {
    /** Two models alike but for their id: a linear unit from zero weights, 1-second windows, a snapshot per update. */
    private static final String MODEL = """
              - id: %s
                inputSize: 2
                layers: [{units: 1, activation: linear}]
                loss: squared_error
                optimizer: {kind: sgd, learningRate: 0.1}
                initialWeights: [[0, 0]]
                initialBiases: [[0]]
                update: {mode: window, windowMs: 1000}
                snapshot: {everyUpdates: 1, everyMs: 100000000}
            """;
    private static final String YAML = "applicationId: ttd\ndefaultModel: a\nmodels:\n" + MODEL.formatted("a") + MODEL.formatted("b");

    private static void example(TopologyFixture f, String model, long timestamp) {
        f.example("{\"model\": \"" + model + "\", \"features\": [1, 2], \"label\": 1}", timestamp);
    }

    @Test
    void anotherModelsRecordsCloseTheWindowAndWallClockClosesNothing() {
        try (TopologyFixture f = new TopologyFixture(YAML)) {
            example(f, "a", 100);
            example(f, "b", 200);
            assertTrue(f.readWeights().isEmpty(), "window [0, 1000) open for both");

            // Only b's record moves stream time past a's window end.
            example(f, "b", 1500);
            List<WeightSnapshot> snaps = f.readWeights();
            WeightSnapshot a = snaps.stream().filter(s -> s.getModel().equals("a")).findFirst().orElseThrow();
            assertEquals(1, a.getVersion());
            assertEquals(1, a.getUpdatesApplied());
            assertEquals(1, a.getExamplesSeen());
            assertEquals(1500, a.getCreatedAt(), "stamped with the stream time that closed the window");
            // a's one example at w = 0: dz = -1, so w = 0.1·(1, 2), b = 0.1.
            assertEquals(List.of(0.1, 0.2), a.getLayers().get(0).getWeights());
            assertEquals(List.of("a", "b"), snaps.stream().map(WeightSnapshot::getModel).sorted().toList());

            // Open windows for both, then an hour of wall clock and no record.
            example(f, "a", 1600);
            example(f, "b", 1700);
            assertTrue(f.readWeights().isEmpty(), "window [1000, 2000) open for both");
            DecodedSnapshot heldA = f.registry.get("a");
            f.driver.advanceWallClockTime(Duration.ofHours(1));
            assertTrue(f.readWeights().isEmpty(), "wall-clock time closes no window and publishes nothing");
            assertSame(heldA, f.registry.get("a"));
            assertEquals(2, TrainingTopologyTest.checkpoint(f, "a").getSnapshot().getExamplesSeen());
            assertEquals(1, TrainingTopologyTest.checkpoint(f, "a").getSnapshot().getUpdatesApplied(),
                    "the open window's gradient is still pending");
        }
    }
}

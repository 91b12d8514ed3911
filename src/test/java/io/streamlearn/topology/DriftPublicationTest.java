package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.DriftRecord;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/**
 * A model whose prequential error rises abruptly (the concept flips) publishes a version at once,
 * saying why, and a record on the drift topic names that version; its figures count the drift. A
 * steady stream publishes nothing out of its cadence, and nothing on the drift topic.
 */
class DriftPublicationTest {
    private static final String CONFIG = """
            applicationId: ttd-drift
            defaultModel: m
            models:
              - id: m
                inputSize: 2
                drift: {action: %s}
                snapshot: {everyUpdates: 1000000, everyMs: 100000000000}
            """;

    private static void feed(TopologyFixture f, int from, int to, boolean flipped) {
        Random r = new Random(from);
        for (int i = from; i < to; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            int y = (a + b > 0) != flipped ? 1 : 0;
            f.example(String.format(Locale.ROOT, "{\"features\": [%f, %f], \"label\": %d}", a, b, y), i);
        }
    }

    @Test
    void aDriftIsPublishedAsAVersionWithItsReason() {
        for (String action : List.of("report", "reset")) {
            try (TopologyFixture f = new TopologyFixture(CONFIG.formatted(action))) {
                feed(f, 0, 3000, false);
                assertEquals(List.of(), f.readWeights(), "a steady stream: nothing out of the cadence");
                assertEquals(List.of(), f.readDrift(), "a steady stream: no drift");
                feed(f, 3000, 4000, true);
                List<WeightSnapshot> published = f.readWeights();
                assertTrue(!published.isEmpty(), action + ": the flip is published");
                WeightSnapshot first = published.get(0);
                assertEquals(1, first.getVersion());
                assertTrue(first.getReason().startsWith("drift: prequential error 0.0"), first.getReason());
                assertTrue(first.getExamplesSeen() > 3000 && first.getExamplesSeen() < 3300,
                        "found soon after the flip: " + first.getExamplesSeen());
                assertEquals(action.equals("reset"), first.getReason().endsWith("; optimizer state reset"), first.getReason());
                assertTrue(first.getFigures().getDrifts() >= 1);
                List<KeyValue<String, DriftRecord>> drifts = f.readDrift();
                assertEquals(published.stream().filter(w -> w.getReason() != null && w.getReason().startsWith("drift:")).count(),
                        drifts.size(), "one record per version published for a drift");
                assertEquals(published.get(published.size() - 1).getFigures().getDrifts(), drifts.size(),
                        "one record per drift the figures count");
                KeyValue<String, DriftRecord> d = drifts.get(0);
                assertEquals("m", d.key);
                assertEquals(new DriftRecord("m", 1, first.getExamplesSeen(), d.value.errorBefore(), d.value.errorAfter(), action,
                        first.getExamplesSeen() - 1), d.value);
                assertTrue(d.value.errorBefore() < 0.1 && d.value.errorAfter() > 0.5, d.value.toString());
                assertTrue(first.getReason().contains(String.format(Locale.ROOT, "%.4f → %.4f", d.value.errorBefore(),
                        d.value.errorAfter())), first.getReason() + " / " + d.value);
            }
        }
    }

    /**
     * {@code background}: the flip is answered by a background learner (here started by a warning
     * 32 examples before the drift) swapped in at a drift, published as a version that says so
     * with its figures; the drift records say {@code background}.
     */
    @Test
    void aBackgroundLearnerSwappedInIsPublishedWithItsReason() {
        try (TopologyFixture f = new TopologyFixture(CONFIG.formatted("background"))) {
            feed(f, 0, 3000, false);
            feed(f, 3000, 4000, true);
            List<String> reasons = f.readWeights().stream().map(WeightSnapshot::getReason).toList();
            assertTrue(reasons.stream().anyMatch(r -> r.matches("drift: prequential error 0\\.\\d{4} → 0\\.\\d{4} at example \\d+;"
                    + " background learner \\(started at example \\d+, error 0\\.\\d{4} over \\d+ examples vs [01]\\.\\d{4}\\)"
                    + " swapped in")), reasons.toString());
            List<KeyValue<String, DriftRecord>> drifts = f.readDrift();
            assertEquals(reasons.stream().filter(r -> r.startsWith("drift:")).count(), drifts.size(), drifts.toString());
            assertTrue(drifts.stream().allMatch(d -> d.value.action().equals("background")), drifts.toString());
        }
    }
}

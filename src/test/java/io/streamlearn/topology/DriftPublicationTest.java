package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.WeightSnapshot;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A model whose prequential error rises abruptly (the concept flips) publishes a version at once,
 * saying why; its figures count the drift. A steady stream publishes nothing out of its cadence.
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
            }
        }
    }
}

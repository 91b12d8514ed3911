package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.ModelCheckpoint;
import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codecs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The training path on the real topology (TopologyTestDriver): each update mode against weights
 * computed by hand for a linear model with squared error, SGD at rate 0.1 and zero initial weights.
 * For one example x with target y: a = w·x + b, dz = a - y, w -= 0.1·dz·x, b -= 0.1·dz.
 */
class TrainingTopologyTest {
    private static final double TOL = 1e-12;

    static String linearModel(String update, long everyUpdates) {
        return """
                applicationId: ttd
                defaultModel: lin
                models:
                  - id: lin
                    inputSize: 2
                    layers: [{units: 1, activation: linear}]
                    loss: squared_error
                    optimizer: {kind: sgd, learningRate: 0.1}
                    initialWeights: [[0, 0]]
                    initialBiases: [[0]]
                    update: %s
                    snapshot: {everyUpdates: %d, everyMs: 1000000}
                """.formatted(update, everyUpdates);
    }

    private static void assertWeights(WeightSnapshot s, double w0, double w1, double b) {
        List<Double> w = s.getLayers().get(0).getWeights();
        assertEquals(w0, w.get(0), TOL, "w0");
        assertEquals(w1, w.get(1), TOL, "w1");
        assertEquals(b, s.getLayers().get(0).getBiases().get(0), TOL, "b");
    }

    @Test
    void stochasticUpdatesOncePerExample() {
        try (TopologyFixture f = new TopologyFixture(linearModel("{mode: stochastic}", 1))) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 100);
            f.example("{\"features\": [2, 0], \"label\": 0}", 200);
            List<WeightSnapshot> snaps = f.readWeights();
            assertEquals(2, snaps.size());
            // Example 1 at w = 0: a = 0, dz = -1 -> w = (0.1, 0.2), b = 0.1.
            assertWeights(snaps.get(0), 0.1, 0.2, 0.1);
            // Example 2: a = 0.1*2 + 0.1 = 0.3, dz = 0.3 -> w = (0.1 - 0.06, 0.2), b = 0.1 - 0.03.
            assertWeights(snaps.get(1), 0.04, 0.2, 0.07);
            assertEquals(1, snaps.get(0).getVersion());
            assertEquals(2, snaps.get(1).getVersion());
            assertEquals(1L, snaps.get(1).getParentVersion());
            assertEquals(2, snaps.get(1).getExamplesSeen());
            assertEquals(2, snaps.get(1).getUpdatesApplied());
            assertEquals(SnapshotSource.LIVE, snaps.get(1).getSource());
        }
    }

    @Test
    void miniBatchByCountAveragesTheGradientOfNExamples() {
        try (TopologyFixture f = new TopologyFixture(linearModel("{mode: count, batchSize: 2}", 1))) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 100);
            assertTrue(f.readWeights().isEmpty(), "no update before the batch is full");
            f.example("{\"features\": [2, 0], \"label\": 0}", 200);
            List<WeightSnapshot> snaps = f.readWeights();
            assertEquals(1, snaps.size());
            // Both gradients at w = 0: (-1, -2, -1) and (0, 0, 0); average (-0.5, -1, -0.5).
            assertWeights(snaps.get(0), 0.05, 0.1, 0.05);
            assertEquals(2, snaps.get(0).getExamplesSeen());
            assertEquals(1, snaps.get(0).getUpdatesApplied());
        }
    }

    @Test
    void windowedMiniBatchUpdatesWhenTheModelsEventTimePassesTheWindowEnd() {
        try (TopologyFixture f = new TopologyFixture(linearModel("{mode: window, windowMs: 1000}", 1))) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 100);
            f.example("{\"features\": [2, 0], \"label\": 0}", 500);
            assertTrue(f.readWeights().isEmpty(), "window [0, 1000) still open");
            // The model's event time reaches 1200: window [0, 1000) closes with the average of both gradients.
            f.example("{\"features\": [0, 1], \"label\": 2}", 1200);
            List<WeightSnapshot> snaps = f.readWeights();
            assertEquals(1, snaps.size());
            assertWeights(snaps.get(0), 0.05, 0.1, 0.05);
            // A late record (t = 900, its window [0, 1000) closed at 1000, no grace) is dead-lettered, not learned.
            f.example("{\"features\": [1, 0], \"label\": 1}", 900);
            var late = f.readDeadLetters();
            assertEquals(1, late.size());
            assertEquals("LATE", TopologyFixture.header(late.get(0), DeadLetters.REASON));
            assertEquals("{\"features\": [1, 0], \"label\": 1}", new String(late.get(0).value(), StandardCharsets.UTF_8));
            f.example("{\"features\": [0, 0], \"label\": 0}", 2100);
            snaps = f.readWeights();
            assertEquals(1, snaps.size());
            // Window [1000, 2000) at w = (0.05, 0.1), b = 0.05, (0,1) y=2 alone: a = 0.15, dz = -1.85
            // -> g = (0, -1.85, -1.85): w = (0.05, 0.285), b = 0.235.
            assertWeights(snaps.get(0), 0.05, 0.1 + 0.185, 0.05 + 0.185);
            assertEquals(2, snaps.get(0).getUpdatesApplied());
            assertEquals(4, snaps.get(0).getExamplesSeen());
            // Two more late records (t < 2000 once the model's event time is 2100): three in all.
            f.example("{\"features\": [1, 1], \"label\": 1}", 1500);
            f.example("{\"features\": [1, 1], \"label\": 1}", 50);
            assertEquals(3, checkpoint(f).getLateRecords(), "late records counted in the model's state");
            assertEquals(4, checkpoint(f).getSnapshot().getExamplesSeen(), "and not learned");
            assertEquals(2, f.readDeadLetters().size());
        }
    }

    /** The model's state as committed to its changelog-backed store. */
    static ModelCheckpoint checkpoint(TopologyFixture f) {
        return checkpoint(f, "lin");
    }

    static ModelCheckpoint checkpoint(TopologyFixture f, String model) {
        KeyValueStore<String, byte[]> store = f.driver.getKeyValueStore(Names.MODEL_STORE);
        return Codecs.checkpoints().decode(store.get(model));
    }

    @Test
    void snapshotsEveryKUpdatesWithGrowingVersions() {
        try (TopologyFixture f = new TopologyFixture(linearModel("{mode: stochastic}", 3))) {
            for (int i = 0; i < 10; i++) {
                f.example("{\"features\": [1, " + i + "], \"label\": 1}", 10L * i);
            }
            List<WeightSnapshot> snaps = f.readWeights();
            assertEquals(3, snaps.size(), "after updates 3, 6 and 9");
            for (int i = 0; i < snaps.size(); i++) {
                assertEquals(i + 1, snaps.get(i).getVersion());
                assertEquals(3L * (i + 1), snaps.get(i).getUpdatesApplied());
            }
        }
    }

    @Test
    void snapshotsAtLeastEveryTMillisecondsOfStreamTime() {
        String yaml = linearModel("{mode: stochastic}", 1000).replace("everyMs: 1000000", "everyMs: 500");
        try (TopologyFixture f = new TopologyFixture(yaml)) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 0);
            f.example("{\"features\": [1, 2], \"label\": 1}", 100);
            assertTrue(f.readWeights().isEmpty());
            f.example("{\"features\": [1, 2], \"label\": 1}", 600);
            List<WeightSnapshot> snaps = f.readWeights();
            assertEquals(1, snaps.size());
            assertEquals(600, snaps.get(0).getCreatedAt(), "stamped with stream time");
        }
    }

    @Test
    void prequentialMetricsScoreBeforeLearning() {
        String yaml = """
                applicationId: ttd
                models:
                  - id: default
                    inputSize: 2
                    layers: [{units: 1, activation: step}]
                    loss: perceptron
                    optimizer: {kind: sgd, learningRate: 1}
                    initialWeights: [[1, 1]]
                    initialBiases: [[-1]]
                    snapshot: {everyUpdates: 1}
                """;
        try (TopologyFixture f = new TopologyFixture(yaml)) {
            // The tutorial's OR weights are already right: every prediction is correct, nothing changes.
            f.example("{\"features\": [0, 0], \"label\": 0}", 1);
            f.example("{\"features\": [1, 0], \"label\": 1}", 2);
            f.example("{\"features\": [0, 1], \"label\": 1}", 3);
            f.example("{\"features\": [1, 1], \"label\": 0}", 4); // XOR's last row: wrong
            List<WeightSnapshot> snaps = f.readWeights();
            WeightSnapshot last = snaps.get(snaps.size() - 1);
            assertEquals(4, last.getMetrics().getScored());
            assertEquals(3, last.getMetrics().getCorrect());
            assertEquals(0.75, last.getMetrics().getAccuracy(), 0);
            // The perceptron rule then moved the weights: w -= (1 - 0) * (1, 1), b -= 1.
            assertWeights(last, 0, 0, -2);
        }
    }

    @Test
    void prequentialLogLossIsTheMeanOfMinusLnPCorrectBeforeEachUpdate() {
        String yaml = """
                applicationId: ttd
                models:
                  - id: default
                    inputSize: 2
                    layers: [{units: 1, activation: sigmoid}]
                    loss: binary_cross_entropy
                    optimizer: {kind: sgd, learningRate: 0.5}
                    initialWeights: [[0.5, -0.5]]
                    initialBiases: [[0]]
                    snapshot: {everyUpdates: 3}
                """;
        double[][] x = {{1, 2}, {2, 1}, {1, 1}};
        int[] y = {1, 0, 1};
        // By hand: p = σ(w·x + b) with the weights before the update; the loss counts
        // -ln p for y = 1 and -ln(1 - p) for y = 0; then, sigmoid with BCE, dL/dz = p - y:
        // w -= 0.5·(p - y)·x, b -= 0.5·(p - y).
        double w0 = 0.5;
        double w1 = -0.5;
        double b = 0;
        double sum = 0;
        int correct = 0;
        for (int i = 0; i < x.length; i++) {
            double p = 1 / (1 + Math.exp(-(w0 * x[i][0] + w1 * x[i][1] + b)));
            sum += y[i] == 1 ? -Math.log(p) : -Math.log(1 - p);
            correct += (p >= 0.5 ? 1 : 0) == y[i] ? 1 : 0;
            double dz = p - y[i];
            w0 -= 0.5 * dz * x[i][0];
            w1 -= 0.5 * dz * x[i][1];
            b -= 0.5 * dz;
        }
        // Example 1: z = 0.5 - 1 = -0.5, p = σ(-0.5) ≈ 0.3775, loss ≈ 0.9741 (wrong: predicts 0).
        try (TopologyFixture f = new TopologyFixture(yaml)) {
            for (int i = 0; i < x.length; i++) {
                f.example("{\"features\": [" + x[i][0] + ", " + x[i][1] + "], \"label\": " + y[i] + "}", i + 1);
            }
            List<WeightSnapshot> snaps = f.readWeights();
            assertEquals(1, snaps.size());
            var m = snaps.get(0).getMetrics();
            assertEquals(3, m.getScored());
            assertEquals(correct, m.getCorrect());
            assertEquals(sum, m.getLogLossSum(), TOL);
            assertEquals(sum / 3, m.getLogLoss(), TOL);
            assertWeights(snaps.get(0), w0, w1, b);
        }
    }
}

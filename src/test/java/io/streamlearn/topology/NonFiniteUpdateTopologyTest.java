package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.ModelCheckpoint;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.learn.OnlineLearner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Updates that would make the weights non-finite, on the real topology: refused whether the
 * example's own update or a closing window's overflows; what is published and
 * checkpointed is finite and carries the refused count, and the listener hears of each refusal.
 */
class NonFiniteUpdateTopologyTest {
    /** Finite, so validation lets it through; with learning rate 1 its gradient overflows. */
    private static final String HUGE = "{\"model\": \"%s\", \"features\": [1e200, 1e200], \"label\": 1}";

    private static StreamlearnConfig config(String update) {
        return ConfigLoader.fromYaml("""
                applicationId: ttd-nonfinite
                defaultModel: lin
                models:
                  - id: lin
                    inputSize: 2
                    layers: [{units: 1, activation: linear}]
                    loss: squared_error
                    optimizer: {kind: sgd, learningRate: 1}
                    initialWeights: [[0.5, -0.25]]
                    initialBiases: [[0]]
                    update: %s
                    snapshot: {everyUpdates: 1, everyMs: 1000000}
                  - id: other
                    inputSize: 2
                    layers: [{units: 1, activation: sigmoid}]
                """.formatted(update), Map.of());
    }

    /** Remembers every refusal reported to the listener. */
    private static final class Refusals implements TopologyListener {
        final List<String> seen = new ArrayList<>();

        @Override
        public void updatesRefused(String model, int refused, long refusedSoFar) {
            seen.add(model + ":" + refused + ":" + refusedSoFar);
        }
    }

    private static void assertFinite(WeightSnapshot s) {
        s.getLayers().forEach(l -> {
            l.getWeights().forEach(w -> assertTrue(Double.isFinite(w), "weight " + w + " in version " + s.getVersion()));
            l.getBiases().forEach(b -> assertTrue(Double.isFinite(b), "bias " + b + " in version " + s.getVersion()));
        });
    }

    @Test
    void anOverflowingExampleIsRefusedAndTheWeightsGoOnAsIfItHadNotBeenThere() {
        StreamlearnConfig config = config("{mode: stochastic}");
        Refusals refusals = new Refusals();
        try (TopologyFixture f = new TopologyFixture(config, refusals)) {
            f.example("{\"features\": [0.1, 0.2], \"label\": 1}", 100);
            f.example(HUGE.formatted("lin"), 200);
            f.example(HUGE.formatted("lin"), 300);
            f.example("{\"features\": [0.3, -0.1], \"label\": 0}", 400);

            List<WeightSnapshot> snaps = f.readWeights();
            assertEquals(2, snaps.size(), "one snapshot per applied update, none for the refused ones");
            snaps.forEach(NonFiniteUpdateTopologyTest::assertFinite);
            WeightSnapshot last = snaps.get(1);
            assertEquals(2, last.getUpdatesRefused());
            assertEquals(2, last.getUpdatesApplied());
            assertEquals(4, last.getExamplesSeen());
            assertEquals(List.of("lin:1:1", "lin:1:2"), refusals.seen);

            OnlineLearner reference = OnlineLearner.fresh(config.model("lin"));
            reference.learn(new double[] {0.1, 0.2}, 1, null, 100);
            reference.learn(new double[] {0.3, -0.1}, 0, null, 400);
            assertEquals(bits(reference.network().weights(0)), bits(last.getLayers().get(0).getWeights()),
                    "the weights of a learner that never saw the huge examples, bit for bit");
            assertEquals(2, TrainingTopologyTest.checkpoint(f, "lin").getSnapshot().getUpdatesRefused(), "checkpointed");
        }
    }

    /**
     * A window whose averaged gradient overflows, closed by the model's own next record (another
     * model's record closes nothing): refused, reported, and checkpointed with its batch gone.
     */
    @Test
    void aWindowThatOverflowsIsRefusedAndCheckpointed() {
        Refusals refusals = new Refusals();
        try (TopologyFixture f = new TopologyFixture(config("{mode: window, windowMs: 1000}"), refusals)) {
            f.example("{\"features\": [0.1, 0.2], \"label\": 1}", 100);
            f.example(HUGE.formatted("lin"), 200);
            assertEquals(2, TrainingTopologyTest.checkpoint(f, "lin").getPendingCount());
            f.example("{\"model\": \"other\", \"features\": [0.1, 0.2], \"label\": 1}", 2500);
            assertEquals(List.of(), refusals.seen, "another model's record leaves lin's window open");
            assertEquals(2, TrainingTopologyTest.checkpoint(f, "lin").getPendingCount());
            f.example("{\"features\": [0.1, 0.2], \"label\": 1}", 2600);

            assertEquals(List.of("lin:1:1"), refusals.seen);
            ModelCheckpoint c = TrainingTopologyTest.checkpoint(f, "lin");
            assertEquals(1, c.getSnapshot().getUpdatesRefused());
            assertEquals(0, c.getSnapshot().getUpdatesApplied());
            assertEquals(1, c.getPendingCount(), "the refused window's batch is gone; the closing record's window holds it");
            assertEquals(List.of(0.5, -0.25), c.getSnapshot().getLayers().get(0).getWeights(), "the initial weights");
            f.readWeights().forEach(s -> {
                assertFinite(s);
                assertTrue(!s.getModel().equals("lin"), "nothing new of 'lin' to publish");
            });
        }
    }

    private static List<Long> bits(double[] values) {
        List<Long> out = new ArrayList<>();
        for (double v : values) {
            out.add(Double.doubleToRawLongBits(v));
        }
        return out;
    }

    private static List<Long> bits(List<Double> values) {
        return values.stream().map(Double::doubleToRawLongBits).toList();
    }
}

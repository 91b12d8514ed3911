package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.UpdateMode;
import io.streamlearn.eval.Prequential;
import io.streamlearn.kafka.Topics;
import io.streamlearn.model.Activation;
import io.streamlearn.model.LayerSpec;
import io.streamlearn.model.LossKind;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.Network;
import io.streamlearn.model.OptimizerKind;
import io.streamlearn.model.OptimizerSpec;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.SnapshotMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

/**
 * Snapshots on the weights topic that are valid records but not the configured model (another
 * depth, another input size, arrays that disagree with their own spec, a model not configured
 * here) are refused: nothing is thrown on the global thread or by the trainer, scoring keeps the
 * previous version, training goes on, and each refusal is reported to the listener.
 */
class UnfitSnapshotTopologyTest {
    /** Configured model "lin": 2 inputs, one linear unit (TrainingTopologyTest's). */
    private static final String YAML = TrainingTopologyTest.linearModel("{mode: stochastic}", 1);

    private static final class Refusals implements TopologyListener {
        final List<String> seen = new ArrayList<>();

        @Override
        public void snapshotRejected(String model, long version, String reason) {
            seen.add(model + "@" + version + ": " + reason);
        }
    }

    private static ModelSpec spec(int inputSize, LayerSpec... layers) {
        return new ModelSpec(inputSize, List.of(layers), LossKind.SQUARED_ERROR,
                OptimizerSpec.defaults(OptimizerKind.SGD), 0, 7);
    }

    private static WeightSnapshot snapshot(String model, long version, ModelSpec spec, SnapshotSource source) {
        return SnapshotMapper.snapshot(model, version, Network.initialize(spec), UpdateMode.stochastic(), 0,
                new Prequential(), 0, source, null);
    }

    private static WeightSnapshot twoLayers(long version, SnapshotSource source) {
        return snapshot("lin", version, spec(2, new LayerSpec(3, Activation.RELU), new LayerSpec(1, Activation.LINEAR)), source);
    }

    private static WeightSnapshot threeInputs(long version, SnapshotSource source) {
        return snapshot("lin", version, spec(3, new LayerSpec(1, Activation.LINEAR)), source);
    }

    /** The configured spec, but a weight array one value short: only decoding can tell. */
    private static WeightSnapshot shortArrays(long version) {
        WeightSnapshot s = snapshot("lin", version, spec(2, new LayerSpec(1, Activation.LINEAR)), SnapshotSource.LIVE);
        s.getLayers().get(0).setWeights(List.of(0.5));
        return s;
    }

    private static TestInputTopic<String, byte[]> weightsIn(TopologyFixture f) {
        return f.driver.createInputTopic(f.config.topics().weights(), new StringSerializer(), new ByteArraySerializer());
    }

    private static byte[] encode(TopologyFixture f, WeightSnapshot s) {
        return Topics.of(f.config).weights().codec().encode(s);
    }

    @Test
    void unfitSnapshotsAreRefusedAndScoringKeepsThePreviousVersion() {
        Refusals refusals = new Refusals();
        try (TopologyFixture f = new TopologyFixture(ConfigLoader.fromYaml(YAML, Map.of()), refusals)) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 100);
            assertEquals(1, f.readWeights().size());
            DecodedSnapshot v1 = f.registry.get("lin");

            var weights = weightsIn(f);
            weights.pipeInput("lin", encode(f, twoLayers(5, SnapshotSource.LIVE)), 110);
            weights.pipeInput("lin", encode(f, threeInputs(6, SnapshotSource.LIVE)), 120);
            weights.pipeInput("lin", encode(f, shortArrays(7)), 130);
            weights.pipeInput("other", encode(f, snapshot("other", 1, spec(2, new LayerSpec(1, Activation.LINEAR)),
                    SnapshotSource.LIVE)), 140);

            assertEquals(4, refusals.seen.size(), refusals.seen.toString());
            assertEquals(List.of("lin@5", "lin@6", "lin@7", "other@1"),
                    refusals.seen.stream().map(r -> r.substring(0, r.indexOf(':'))).toList());
            assertSame(v1, f.registry.get("lin"), "the registry still holds version 1");
            assertEquals(null, f.registry.get("other"));

            f.event("k", "{\"id\": \"e1\", \"features\": [1, 1]}", 150);
            List<ScoredEvent> scored = f.readScored();
            assertEquals(1, scored.size());
            assertEquals(1, scored.get(0).version());
            // Version 1 (TrainingTopologyTest): w = (0.1, 0.2), b = 0.1, so 0.4 for (1, 1).
            assertEquals(0.4, scored.get(0).output()[0], 1e-12);
            assertEquals(List.of(), f.readDeadLetters());

            // The live trainer's next version (2, below the refused ones) is still taken.
            f.example("{\"features\": [2, 0], \"label\": 0}", 200);
            assertEquals(2, f.readWeights().get(0).getVersion());
            f.event("k", "{\"id\": \"e2\", \"features\": [1, 1]}", 250);
            ScoredEvent p2 = f.readScored().get(0);
            assertEquals(2, p2.version());
            assertEquals(0.31, p2.output()[0], 1e-12);
        }
    }

    @Test
    void trainerKeepsLearningPastAnUnfitRetrain() {
        Refusals refusals = new Refusals();
        try (TopologyFixture f = new TopologyFixture(ConfigLoader.fromYaml(YAML, Map.of()), refusals)) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 100);
            // Through the topic: refused by the global processor, the trainer never sees it.
            weightsIn(f).pipeInput("lin", encode(f, twoLayers(5, SnapshotSource.RETRAIN)), 110);
            // Straight into the registry: the trainer takes retrained weights only as requests on
            // the requests topic (ModelRequestTopologyTest), never from the weights it publishes.
            WeightSnapshot restored = threeInputs(9, SnapshotSource.RETRAIN);
            f.registry.offer(new DecodedSnapshot("lin", 9, SnapshotSource.RETRAIN, SnapshotMapper.network(restored), restored));

            f.example("{\"features\": [2, 0], \"label\": 0}", 200);
            f.example("{\"features\": [2, 0], \"label\": 0}", 300);

            List<WeightSnapshot> snaps = f.readWeights();
            assertEquals(List.of(1L, 2L, 3L), snaps.stream().map(WeightSnapshot::getVersion).toList(),
                    "no retrained version adopted");
            // Version 2 as TrainingTopologyTest computes it: w = (0.04, 0.2), b = 0.07.
            List<Double> w = snaps.get(1).getLayers().get(0).getWeights();
            assertEquals(0.04, w.get(0), 1e-12);
            assertEquals(0.2, w.get(1), 1e-12);
            assertEquals(0.07, snaps.get(1).getLayers().get(0).getBiases().get(0), 1e-12);
            assertEquals(3, snaps.get(2).getExamplesSeen());
            // One refusal, from the global processor.
            assertEquals(List.of("lin@5"),
                    refusals.seen.stream().map(r -> r.substring(0, r.indexOf(':'))).toList());
        }
    }

    /**
     * A snapshot of the configured shape with a NaN weight, an infinite bias or an infinite
     * optimizer moment (written by someone else: our trainers never publish one) is refused for
     * scoring and never adopted for training, so it is never published on.
     */
    @Test
    void nonFiniteSnapshotsAreRefusedForScoringAndTraining() {
        Refusals refusals = new Refusals();
        ModelSpec configured = new ModelSpec(2, List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.SQUARED_ERROR,
                OptimizerSpec.defaults(OptimizerKind.ADAM), 0, 7);
        try (TopologyFixture f = new TopologyFixture(ConfigLoader.fromYaml(YAML, Map.of()), refusals)) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 100);
            DecodedSnapshot v1 = f.registry.get("lin");
            var weights = weightsIn(f);
            WeightSnapshot nanWeight = snapshot("lin", 5, configured, SnapshotSource.RETRAIN);
            nanWeight.getLayers().get(0).setWeights(List.of(Double.NaN, 0.5));
            WeightSnapshot infBias = snapshot("lin", 6, configured, SnapshotSource.RETRAIN);
            infBias.getLayers().get(0).setBiases(List.of(Double.POSITIVE_INFINITY));
            WeightSnapshot infMoment = snapshot("lin", 7, configured, SnapshotSource.RETRAIN);
            infMoment.getOptimizerState().getSlots().set(2, List.of(Double.POSITIVE_INFINITY, 1.0)); // Adam's v of the weights
            for (WeightSnapshot s : List.of(nanWeight, infBias, infMoment)) {
                weights.pipeInput("lin", encode(f, s), 110);
            }
            assertEquals(3, refusals.seen.size(), refusals.seen.toString());
            refusals.seen.forEach(r -> assertEquals(true, r.contains("not all finite"), r));
            assertSame(v1, f.registry.get("lin"), "scoring keeps version 1");

            f.example("{\"features\": [2, 0], \"label\": 0}", 200);
            WeightSnapshot v2 = f.readWeights().get(1);
            assertEquals(2, v2.getVersion(), "the live trainer went on from its own version 1, adopting nothing");
            v2.getLayers().get(0).getWeights().forEach(w -> assertEquals(true, Double.isFinite(w), "weight " + w));
        }
    }
}

package io.streamlearn.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlearn.avro.ModelCheckpoint;
import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Codecs;
import io.streamlearn.config.Format;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.SnapshotPolicy;
import io.streamlearn.config.UpdateMode;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Activation;
import io.streamlearn.model.LayerSpec;
import io.streamlearn.model.LossKind;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.Network;
import io.streamlearn.model.OptimizerKind;
import io.streamlearn.model.OptimizerSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Snapshots and checkpoints carry a model bit for bit, through Avro binary and Avro JSON. */
class SnapshotMapperTest {

    private static ModelConfig config(OptimizerKind k) {
        ModelSpec spec = new ModelSpec(3, List.of(new LayerSpec(4, Activation.TANH), new LayerSpec(2, Activation.SOFTMAX)),
                LossKind.CATEGORICAL_CROSS_ENTROPY, OptimizerSpec.defaults(k), 1e-3, 9L);
        return new ModelConfig("m", spec, UpdateMode.count(5), SnapshotPolicy.defaults(), null, null);
    }

    private static OnlineLearner trained(ModelConfig c) {
        OnlineLearner l = OnlineLearner.fresh(c);
        Random r = new Random(3);
        for (int i = 0; i < 23; i++) { // 4 updates and 3 examples in the open batch
            l.learn(new double[] {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()}, r.nextInt(2), null, i);
        }
        return l;
    }

    private static void assertSameBits(Network a, Network b, boolean pending) {
        for (int l = 0; l < a.layerCount(); l++) {
            assertArrayEquals(a.weights(l), b.weights(l), 0.0);
            assertArrayEquals(a.biases(l), b.biases(l), 0.0);
            for (int s = 0; s < a.slotCount(); s++) {
                assertArrayEquals(a.slot(l, false, s), b.slot(l, false, s), 0.0);
                assertArrayEquals(a.slot(l, true, s), b.slot(l, true, s), 0.0);
            }
            if (pending) {
                assertArrayEquals(a.pendingWeightGradient(l), b.pendingWeightGradient(l), 0.0);
                assertArrayEquals(a.pendingBiasGradient(l), b.pendingBiasGradient(l), 0.0);
            }
        }
        assertEquals(a.updatesApplied(), b.updatesApplied());
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void snapshotRoundTripIsBitExact(OptimizerKind k) {
        OnlineLearner l = trained(config(k));
        WeightSnapshot s = SnapshotMapper.snapshot(l, 7, 1234, SnapshotSource.LIVE, 6L);
        for (Format f : Format.values()) {
            Codec<WeightSnapshot> codec = Codecs.snapshots(f);
            WeightSnapshot back = codec.decode(codec.encode(s));
            assertEquals(s, back, f + " round trip");
            assertSameBits(l.network(), SnapshotMapper.network(back), false);
            assertEquals(config(k).spec(), SnapshotMapper.spec(back.getSpec()));
            assertEquals(UpdateMode.count(5), SnapshotMapper.updateMode(back.getSpec()));
        }
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void checkpointRestoresTheOpenBatchAndCounters(OptimizerKind k) {
        ModelConfig c = config(k);
        OnlineLearner a = trained(c);
        Codec<ModelCheckpoint> codec = Codecs.checkpoints();
        OnlineLearner b = SnapshotMapper.learner(codec.decode(codec.encode(SnapshotMapper.checkpoint(a))), c);
        assertEquals(3, b.network().pendingCount());
        assertSameBits(a.network(), b.network(), true);
        assertEquals(a.examplesSeen(), b.examplesSeen());
        assertEquals(a.metrics().correct(), b.metrics().correct());
        for (int i = 0; i < 10; i++) {
            double[] x = {i * 0.1, -i * 0.2, 0.3};
            a.learn(x, i % 2, null, 100 + i);
            b.learn(x, i % 2, null, 100 + i);
        }
        assertSameBits(a.network(), b.network(), true);
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void theRefusedCountTravelsInSnapshotsAndCheckpoints(OptimizerKind k) {
        // relu into a linear output: huge features reach the output gradient (tanh would saturate them away).
        ModelSpec spec = new ModelSpec(3, List.of(new LayerSpec(4, Activation.RELU), new LayerSpec(1, Activation.LINEAR)),
                LossKind.SQUARED_ERROR, OptimizerSpec.defaults(k), 1e-3, 9L);
        ModelConfig c = new ModelConfig("m", spec, UpdateMode.count(5), SnapshotPolicy.defaults(), null, null);
        OnlineLearner a = trained(c);
        for (int i = 0; i < 5; i++) { // one count-mode batch that overflows
            a.learn(new double[] {1e200, -1e200, 1e200}, i % 2, null, 50 + i);
        }
        assertEquals(1, a.updatesRefused());
        WeightSnapshot s = SnapshotMapper.snapshot(a, 8, 1234, SnapshotSource.LIVE, 7L);
        assertEquals(1, s.getUpdatesRefused());
        for (Format f : Format.values()) {
            Codec<WeightSnapshot> codec = Codecs.snapshots(f);
            assertEquals(1, SnapshotMapper.network(codec.decode(codec.encode(s))).updatesRefused(), f.toString());
        }
        Codec<ModelCheckpoint> codec = Codecs.checkpoints();
        OnlineLearner b = SnapshotMapper.learner(codec.decode(codec.encode(SnapshotMapper.checkpoint(a))), c);
        assertEquals(1, b.updatesRefused());
        assertEquals(a.network().updatesApplied(), b.network().updatesApplied());
        assertSameBits(a.network(), b.network(), true);
    }
}

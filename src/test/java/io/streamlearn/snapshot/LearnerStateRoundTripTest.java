package io.streamlearn.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.ModelCheckpoint;
import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codecs;
import io.streamlearn.config.DriftPolicy;
import io.streamlearn.config.EventTimePolicy;
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
import io.streamlearn.model.Scaling;
import io.streamlearn.model.optim.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Everything this branch added to a model's state crosses a checkpoint (and a snapshot) bit for
 * bit: the feature statistics, the schedule, the normalized optimizer's open batch, the
 * evaluation and the drift detector. A learner restored mid-stream ends where one that never
 * stopped ends.
 */
class LearnerStateRoundTripTest {

    private static ModelConfig config(OptimizerKind k, Scaling scaling, UpdateMode mode) {
        ModelSpec spec = new ModelSpec(3, List.of(new LayerSpec(4, Activation.TANH), new LayerSpec(1, Activation.SIGMOID)),
                LossKind.BINARY_CROSS_ENTROPY, OptimizerSpec.defaults(k).withLearningRate(0.05)
                .withSchedule(LearningRateSchedule.of(LearningRateSchedule.Kind.INVSCALING)), 0, 9L, scaling);
        return new ModelConfig("m", spec, mode, SnapshotPolicy.defaults(), null, null);
    }

    /** Raw features of different scales and a concept that flips half-way: the drift detector has work. */
    private static double[][] stream(int n) {
        Random r = new Random(3);
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian() * 100 + 50;
            double b = r.nextGaussian() * 0.01;
            double c = r.nextGaussian();
            boolean y = a - 50 + 5000 * b > 0;
            rows[i] = new double[] {a, b, c, (i < n / 2) == y ? 1 : 0};
        }
        return rows;
    }

    private static void learn(OnlineLearner l, double[][] rows, int from, int to) {
        for (int i = from; i < to; i++) {
            l.learn(new double[] {rows[i][0], rows[i][1], rows[i][2]}, rows[i][3], null, i);
        }
    }

    @ParameterizedTest
    @EnumSource(value = OptimizerKind.class, names = {"ADAGRAD", "NORMALIZED_ADAGRAD", "ADAM"})
    void aRestoredLearnerContinuesBitForBit(OptimizerKind kind) {
        for (Scaling scaling : List.of(Scaling.STANDARD, Scaling.MINMAX)) {
            ModelConfig c = config(kind, scaling, UpdateMode.count(7));
            double[][] rows = stream(4000);
            OnlineLearner whole = OnlineLearner.fresh(c);
            OnlineLearner first = OnlineLearner.fresh(c);
            learn(whole, rows, 0, 2503);
            learn(first, rows, 0, 2503); // an open batch of 4
            ModelCheckpoint cp = Codecs.checkpoints().decode(Codecs.checkpoints().encode(SnapshotMapper.checkpoint(first)));
            OnlineLearner restored = SnapshotMapper.learner(cp, c);
            learn(whole, rows, 2503, 4000);
            learn(restored, rows, 2503, 4000);
            assertTrue(whole.drift().drifts() > 0, "the flip was detected");
            assertSame(whole, restored);
        }
    }

    /**
     * Window mode with grace on a stream out of order by up to 1.5 windows: several windows are
     * open at once and some records are late. A learner checkpointed and restored again and again,
     * mostly while more than one window is open, ends as one that never stopped: weights,
     * optimizer state, biases, updates, event time, late count.
     */
    @ParameterizedTest
    @EnumSource(value = OptimizerKind.class, names = {"ADAGRAD", "NORMALIZED_ADAGRAD"})
    void openWindowsWithGraceCrossACheckpointBitForBit(OptimizerKind kind) {
        ModelConfig c = config(kind, Scaling.STANDARD, UpdateMode.window(100))
                .withEventTime(new EventTimePolicy(80, EventTimePolicy.DEFAULT_MAX_FUTURE_MS));
        double[][] rows = stream(3000);
        Random jitter = new Random(11);
        long[] ts = new long[rows.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = 1_000 + 7L * i - jitter.nextInt(150);
        }
        OnlineLearner whole = OnlineLearner.fresh(c);
        OnlineLearner hopping = OnlineLearner.fresh(c);
        int withParked = 0;
        for (int i = 0; i < rows.length; i++) {
            learnAt(whole, rows, ts, i);
            learnAt(hopping, rows, ts, i);
            if (i % 7 == 0) {
                withParked += hopping.parkedWindows().isEmpty() ? 0 : 1;
                hopping = SnapshotMapper.learner(
                        Codecs.checkpoints().decode(Codecs.checkpoints().encode(SnapshotMapper.checkpoint(hopping))), c);
            }
        }
        assertTrue(withParked > 20, "restored with other windows open beside the network's " + withParked + " times");
        assertTrue(whole.lateRecords() > 0, "some records were late");
        assertSame(whole, hopping);
        assertEquals(whole.eventTime(), hopping.eventTime());
        assertEquals(whole.lateRecords(), hopping.lateRecords());
        assertEquals(whole.network().updatesApplied(), hopping.network().updatesApplied());
        assertArrayEquals(bits(whole.network().biases(0)), bits(hopping.network().biases(0)));
    }

    /**
     * {@code drift.action: background}: a learner checkpointed and restored every few examples —
     * often while a background learner is training, its batch open in count mode — ends as one
     * that never stopped: the same drifts settled the same way (swaps included), the same weights,
     * optimizer state and background learner bit for bit.
     */
    @ParameterizedTest
    @EnumSource(value = OptimizerKind.class, names = {"ADAGRAD", "NORMALIZED_ADAGRAD", "ADAM"})
    void anOpenBackgroundLearnerCrossesACheckpointBitForBit(OptimizerKind kind) {
        for (UpdateMode mode : List.of(UpdateMode.stochastic(), UpdateMode.count(7))) {
            ModelConfig c = config(kind, Scaling.STANDARD, mode).withDrift(new DriftPolicy(DriftPolicy.Action.BACKGROUND));
            double[][] rows = stream(6000);
            OnlineLearner whole = OnlineLearner.fresh(c);
            OnlineLearner hopping = OnlineLearner.fresh(c);
            List<String> wholeOutcomes = new ArrayList<>();
            List<String> hoppingOutcomes = new ArrayList<>();
            int withBackground = 0;
            for (int i = 0; i < rows.length; i++) {
                learn(whole, rows, i, i + 1);
                learn(hopping, rows, i, i + 1);
                if (whole.lastBackgroundOutcome() != null) {
                    wholeOutcomes.add(i + " " + whole.lastBackgroundOutcome());
                }
                if (hopping.lastBackgroundOutcome() != null) {
                    hoppingOutcomes.add(i + " " + hopping.lastBackgroundOutcome());
                }
                // Every third example, and every other one while a background learner trains (most of the cost of this test).
                if (i % 3 == 0 || (hopping.background() != null && i % 2 == 0)) {
                    withBackground += hopping.background() == null ? 0 : 1;
                    hopping = SnapshotMapper.learner(
                            Codecs.checkpoints().decode(Codecs.checkpoints().encode(SnapshotMapper.checkpoint(hopping))), c);
                }
            }
            assertTrue(withBackground > 20, kind + " " + mode + ": restored with a background learner training "
                    + withBackground + " times");
            assertTrue(wholeOutcomes.stream().anyMatch(o -> o.contains("SWAPPED")), kind + " " + mode + ": " + wholeOutcomes);
            assertEquals(wholeOutcomes, hoppingOutcomes);
            assertSame(whole, hopping);
            assertEquals(whole.network().updatesApplied(), hopping.network().updatesApplied());
            assertEquals(whole.network().pendingCount(), hopping.network().pendingCount());
            assertEquals(whole.background() == null, hopping.background() == null);
            if (whole.background() != null) {
                assertArrayEquals(bits(whole.background().network().weights(0)), bits(hopping.background().network().weights(0)));
                assertEquals(whole.background().examples(), hopping.background().examples());
                assertEquals(whole.background().errorSum(), hopping.background().errorSum());
            }
        }
    }

    private static void learnAt(OnlineLearner l, double[][] rows, long[] ts, int i) {
        l.learn(new double[] {rows[i][0], rows[i][1], rows[i][2]}, rows[i][3], null, ts[i]);
    }

    private static void assertSame(OnlineLearner a, OnlineLearner b) {
        Network x = a.network();
        Network y = b.network();
        for (int l = 0; l < x.layerCount(); l++) {
            assertArrayEquals(bits(x.weights(l)), bits(y.weights(l)));
            for (int s = 0; s < x.slotCount(); s++) {
                assertArrayEquals(bits(x.slot(l, false, s)), bits(y.slot(l, false, s)));
            }
        }
        assertEquals(x.scaler().count(), y.scaler().count());
        assertArrayEquals(bits(x.scaler().exportState()), bits(y.scaler().exportState()));
        assertArrayEquals(a.evaluation().exportCounters(), b.evaluation().exportCounters());
        assertArrayEquals(bits(a.evaluation().exportSums()), bits(b.evaluation().exportSums()));
        assertArrayEquals(a.drift().exportCounters(), b.drift().exportCounters());
        assertArrayEquals(bits(a.drift().driftWindow().exportSums()), bits(b.drift().driftWindow().exportSums()));
    }

    @ParameterizedTest
    @EnumSource(value = Format.class)
    void aSnapshotScoresWithTheSameScalingAndPublishesTheFigures(Format format) {
        ModelConfig c = config(OptimizerKind.ADAGRAD, Scaling.STANDARD, UpdateMode.stochastic());
        OnlineLearner l = OnlineLearner.fresh(c);
        double[][] rows = stream(500);
        learn(l, rows, 0, 500);
        WeightSnapshot s = SnapshotMapper.snapshot(l, 3, 10, SnapshotSource.LIVE, null);
        WeightSnapshot decoded = Codecs.snapshots(format).decode(Codecs.snapshots(format).encode(s));
        Network scorer = SnapshotMapper.network(decoded);
        assertEquals(c.spec(), scorer.spec(), "scaling and schedule travel with the spec");
        double[] out1 = new double[1];
        double[] out2 = new double[1];
        l.network().predict(new double[] {120, 0.003, 1}, out1);
        scorer.predict(new double[] {120, 0.003, 1}, out2);
        assertEquals(Double.doubleToRawLongBits(out1[0]), Double.doubleToRawLongBits(out2[0]));
        assertEquals(l.evaluation().accuracy(), decoded.getFigures().getAccuracy());
        assertNull(decoded.getFigures().getMse(), "a classifier has no MSE: not measured, not 0");
        assertEquals(l.drift().drifts(), decoded.getFigures().getDrifts());
    }

    private static long[] bits(double[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }
}

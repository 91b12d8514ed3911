package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlearn.codec.Codecs;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Label;
import io.streamlearn.model.Parameters;
import io.streamlearn.model.ScalerStatistics;
import java.util.ArrayDeque;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a crash resumes from: a replica's state and a delta survive their bytes exactly (a restored
 * replica that differed by one bit, or lost an unmerged delta, would send a different delta).
 */
class ReplicaRecordsTest {

    private static ModelConfig model(String settings) {
        return ConfigLoader.fromYaml("models:\n  - {id: m, inputSize: 2, " + settings + ", parallel: {syncEvery: 4}}\n",
                Map.of("defaultModel", "m")).model("m");
    }

    /** A learner of {@code mc} after {@code examples} examples, so its optimizer, scaler and metrics have state. */
    private static OnlineLearner learned(ModelConfig mc, int examples) {
        OnlineLearner l = OnlineLearner.fresh(mc);
        for (int i = 0; i < examples; i++) {
            l.learn(new double[] {i, -i * i}, new Label.Scalar(i % 2), 1000 + i);
        }
        return l;
    }

    @Test
    void aDeltaRoundTrips() {
        ReplicaDelta d = new ReplicaDelta(3, 4, 17, 9, 256, 123_456L, new double[] {0.1, -Double.MIN_VALUE, 1e300});
        ReplicaDelta back = ReplicaDelta.decode(d.encode());
        assertEquals(3, back.replica());
        assertEquals(4, back.replicas());
        assertEquals(17, back.round());
        assertEquals(9, back.baseVersion());
        assertEquals(256, back.examples());
        assertEquals(123_456L, back.eventTime());
        assertArrayEquals(d.delta(), back.delta(), 0.0);
    }

    @Test
    void aReplicaStateRoundTripsWithItsLearnerAndUnmergedDeltas() {
        ModelConfig mc = model("scaling: none, optimizer: {kind: adam, learningRate: 0.01}");
        OnlineLearner l = learned(mc, 7);
        int n = Parameters.count(l.network());
        double[] base = new double[n];
        Parameters.read(l.network(), base);
        ArrayDeque<double[]> unmerged = new ArrayDeque<>();
        unmerged.add(new double[] {1, 2, 3});
        unmerged.add(new double[] {-1, -2, -3});
        ReplicaState s = new ReplicaState(l, base, 5, 12, 3, 9, unmerged);
        var codec = Codecs.checkpoints();
        ReplicaState back = ReplicaState.decode(s.encode(codec), mc, codec);
        assertEquals(5, back.baseVersion);
        assertEquals(12, back.round);
        assertEquals(3, back.examplesInRound);
        assertEquals(9, back.adoptedThrough);
        assertArrayEquals(base, back.base, 0.0);
        assertEquals(2, back.unmerged.size());
        assertArrayEquals(new double[] {1, 2, 3}, back.unmerged.poll(), 0.0);
        assertArrayEquals(new double[] {-1, -2, -3}, back.unmerged.poll(), 0.0);
        double[] w = new double[n];
        Parameters.read(back.learner.network(), w);
        assertArrayEquals(base, w, 0.0);
        assertEquals(7, back.learner.examplesSeen());
        assertEquals(l.metrics().correct(), back.learner.metrics().correct());
    }

    @Test
    void aDeltaCarriesItsScalerStatistics() {
        ScalerStatistics st = new ScalerStatistics(7, new double[] {1.5, -2, 0.25, 3, -1, -4, 2, 0});
        ReplicaDelta back = ReplicaDelta.decode(new ReplicaDelta(0, 2, 3, 1, 7, 99L, new double[] {0.5}, st).encode());
        assertEquals(7, back.statistics().count());
        assertArrayEquals(st.state(), back.statistics().state(), 0.0);
        assertEquals(0, ReplicaDelta.decode(new ReplicaDelta(0, 2, 3, 1, 7, 99L, new double[] {0.5}).encode())
                .statistics().count(), "a model that does not scale sends none");
    }

    /** A delta written before deltas carried statistics (format 1) is still read, with none. */
    @Test
    void aDeltaOfTheFormatWithoutStatisticsIsRead() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 + 4 + 4 + 8 * 4 + 4 + 8);
        b.put((byte) 1).putInt(1).putInt(2).putLong(5).putLong(4).putLong(64).putLong(1234L).putInt(1).putDouble(0.75);
        ReplicaDelta d = ReplicaDelta.decode(b.array());
        assertEquals(5, d.round());
        assertArrayEquals(new double[] {0.75}, d.delta(), 0.0);
        assertEquals(ScalerStatistics.NONE.count(), d.statistics().count());
    }

    /** A scaled replica resumes its round's statistics and its unmerged deltas' bit for bit. */
    @Test
    void aScaledReplicaStateRoundTripsItsStatistics() {
        ModelConfig mc = model("scaling: standard");
        OnlineLearner l = learned(mc, 6);
        double[] base = new double[Parameters.count(l.network())];
        ArrayDeque<double[]> unmerged = new ArrayDeque<>();
        unmerged.add(new double[base.length]);
        ArrayDeque<ScalerStatistics> unmergedStatistics = new ArrayDeque<>();
        unmergedStatistics.add(new ScalerStatistics(4, new double[] {1.5, 3.5, 5, 49, 0, 0, 3, 9}));
        ScalerStatistics round = new ScalerStatistics(2, new double[] {4.5, 20.5, 0.5, 40.5, 4, 16, 5, 25});
        ReplicaState s = new ReplicaState(l, base, 0, 1, 2, -1, unmerged, round, unmergedStatistics);
        var codec = Codecs.checkpoints();
        ReplicaState back = ReplicaState.decode(s.encode(codec), mc, codec);
        assertEquals(2, back.roundScaler.count());
        assertArrayEquals(round.state(), back.roundScaler.exportState(), 0.0);
        assertEquals(1, back.unmergedStatistics.size());
        assertArrayEquals(unmergedStatistics.peek().state(), back.unmergedStatistics.peek().state(), 0.0);
        assertEquals(4, back.unmergedStatistics.peek().count());
        assertEquals(6, back.learner.network().scaler().count());
    }
}

package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlearn.codec.Codecs;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Label;
import io.streamlearn.model.Parameters;
import java.util.ArrayDeque;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a crash resumes from: a replica's state and a delta survive their bytes exactly (a restored
 * replica that differed by one bit, or lost an unmerged delta, would send a different delta).
 */
class ReplicaRecordsTest {

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
        ModelConfig mc = ConfigLoader.fromYaml("models:\n  - {id: m, inputSize: 2, scaling: none, optimizer: {kind: adam,"
                + " learningRate: 0.01}, parallel: {syncEvery: 4}}\n", Map.of("defaultModel", "m")).model("m");
        OnlineLearner l = OnlineLearner.fresh(mc);
        for (int i = 0; i < 7; i++) {
            l.learn(new double[] {i, -i}, new Label.Scalar(i % 2), 1000 + i);
        }
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
}

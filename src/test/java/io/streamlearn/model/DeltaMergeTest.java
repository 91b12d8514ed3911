package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The merge of one data-parallel round, worked by hand, and the flat parameter vector it works on:
 * a wrong weight (counts not normalised, a replica counted twice) or a wrong layout changes the bits.
 */
class DeltaMergeTest {
    private static final double[] GLOBAL = {1.0, -2.0};
    // Replica 0 learned from 3 examples, replica 1 from 1.
    private static final double[][] DELTAS = {{0.4, 0.0}, {-0.4, 0.8}};
    private static final long[] COUNTS = {3, 1};

    @Test
    void averageWeighsEachDeltaByItsExampleCount() {
        double[] out = new double[2];
        DeltaMerge.merge(GLOBAL, DELTAS, COUNTS, MergeRule.AVERAGE, out);
        // 1 + 3/4·0.4 + 1/4·(−0.4) = 1.2; −2 + 0 + 1/4·0.8 = −1.8.
        assertArrayEquals(new double[] {1.2, -1.8}, out, 1e-15);
    }

    @Test
    void sumAddsEveryDeltaWhateverItsCount() {
        double[] out = new double[2];
        DeltaMerge.merge(GLOBAL, DELTAS, COUNTS, MergeRule.SUM, out);
        assertArrayEquals(new double[] {1.0, -1.2}, out, 1e-15);
    }

    @Test
    void aReplicaWithoutExamplesMovesNothingUnderAverage() {
        double[] out = new double[2];
        DeltaMerge.merge(GLOBAL, new double[][] {{0.5, 0.5}, {0.0, 0.0}}, new long[] {2, 0}, MergeRule.AVERAGE, out);
        assertArrayEquals(new double[] {1.5, -1.5}, out, 1e-15, "the whole weight goes to the replica that learned");
        DeltaMerge.merge(GLOBAL, new double[][] {{0.0, 0.0}}, new long[] {0}, MergeRule.AVERAGE, out);
        assertArrayEquals(GLOBAL, out, 0.0, "an empty round leaves the model as it was");
    }

    @Test
    void mergesInPlace() {
        double[] g = GLOBAL.clone();
        DeltaMerge.merge(g, DELTAS, COUNTS, MergeRule.AVERAGE, g);
        assertArrayEquals(new double[] {1.2, -1.8}, g, 1e-15);
    }

    @Test
    void refusesMismatchedShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> DeltaMerge.merge(GLOBAL, DELTAS, new long[] {1}, MergeRule.SUM, new double[2]));
        assertThrows(IllegalArgumentException.class,
                () -> DeltaMerge.merge(GLOBAL, new double[][] {{1.0}}, new long[] {1}, MergeRule.SUM, new double[2]));
        assertThrows(IllegalArgumentException.class,
                () -> DeltaMerge.merge(GLOBAL, DELTAS, new long[] {1, -1}, MergeRule.SUM, new double[2]));
    }

    @Test
    void parametersAreWeightsThenBiasesAndTheDeltaIsWhatWasLearnedSinceTheBase() {
        ModelSpec spec = new ModelSpec(2, List.of(new LayerSpec(2, Activation.TANH), new LayerSpec(1, Activation.LINEAR)),
                LossKind.SQUARED_ERROR, OptimizerSpec.defaults(OptimizerKind.SGD).withLearningRate(0.1), 0.0, 1L);
        Network n = Network.withWeights(spec, new double[][] {{1, 2, 3, 4}, {5, 6}}, new double[][] {{7, 8}, {9}});
        assertEquals(9, Parameters.count(n));
        double[] base = new double[9];
        Parameters.read(n, base);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, base, 0.0);

        n.learnOne(new double[] {0.5, -0.5}, new double[] {1.0});
        double[] delta = new double[9];
        Parameters.delta(n, base, delta);
        double[] now = new double[9];
        Parameters.read(n, now);
        for (int i = 0; i < 9; i++) {
            assertEquals(now[i] - base[i], delta[i], 0.0);
        }

        Parameters.write(base, n);
        double[] back = new double[9];
        Parameters.read(n, back);
        assertArrayEquals(base, back, 0.0, "writing the base back restores the parameters");
        assertThrows(IllegalArgumentException.class, () -> Parameters.read(n, new double[8]));
    }
}

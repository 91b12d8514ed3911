package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A mini-batch takes one step along the mean of its examples' gradients, and L2 joins that mean
 * once per update. The gradients are worked by hand on a linear unit with squared error, where
 * dL/dz = a − y, so a wrong divisor or an L2 term counted per example changes the weights.
 */
class BatchAveragingTest {
    private static final double LR = 0.1;

    // w = (1, −1), b = 0.5.
    // Example 1: x = (1, 2), y = 0 → a = 1 − 2 + 0.5 = −0.5, δ = −0.5, gW = (−0.5, −1), gb = −0.5.
    // Example 2: x = (3, 0), y = 1 → a = 3 + 0.5 = 3.5,   δ = 2.5,  gW = (7.5, 0),   gb = 2.5.
    // Mean: gW = (3.5, −0.5), gb = 1.0.
    private static final double[][] XS = {{1, 2}, {3, 0}};
    private static final double[][] YS = {{0}, {1}};

    private static Network net(double l2) {
        ModelSpec spec = new ModelSpec(2, List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.SQUARED_ERROR,
                OptimizerSpec.defaults(OptimizerKind.SGD).withLearningRate(LR), l2, 1L);
        return Network.withWeights(spec, new double[][] {{1, -1}}, new double[][] {{0.5}});
    }

    @Test
    void aBatchOfTwoStepsAlongTheMeanGradient() {
        Network n = net(0.0);
        n.learnMany(XS, YS);
        // w − lr·(g1 + g2)/2 = (1 − 0.1·3.5, −1 − 0.1·(−0.5)) = (0.65, −0.95); b = 0.5 − 0.1·1 = 0.4.
        assertEquals(0.65, n.weights(0)[0], 1e-15);
        assertEquals(-0.95, n.weights(0)[1], 1e-15);
        assertEquals(0.4, n.biases(0)[0], 1e-15);
        assertEquals(1, n.updatesApplied(), "one update for the batch");
        assertEquals(0, n.pendingCount());
    }

    @Test
    void accumulateThenApplyIsTheSameStep() {
        Network n = net(0.0);
        n.accumulate(XS[0], YS[0]);
        n.accumulate(XS[1], YS[1]);
        assertEquals(2, n.pendingCount());
        assertEquals(1 * 7.5 - 0.5, n.pendingWeightGradient(0)[0], 1e-15, "the open batch holds the sum");
        n.applyUpdate();
        assertEquals(0.65, n.weights(0)[0], 1e-15);
        assertEquals(-0.95, n.weights(0)[1], 1e-15);
        assertEquals(0.4, n.biases(0)[0], 1e-15);
    }

    @Test
    void l2IsAddedOncePerUpdateNotOncePerExample() {
        Network n = net(0.2);
        n.learnMany(XS, YS);
        // gW = mean + 0.2·w = (3.5 + 0.2, −0.5 − 0.2) = (3.7, −0.7) → w = (0.63, −0.93).
        // Once per example it would be mean + 2·0.2·w = (3.9, −0.9) → w = (0.61, −0.91).
        assertEquals(0.63, n.weights(0)[0], 1e-15);
        assertEquals(-0.93, n.weights(0)[1], 1e-15);
        assertEquals(0.4, n.biases(0)[0], 1e-15, "no L2 on the bias");
    }
}

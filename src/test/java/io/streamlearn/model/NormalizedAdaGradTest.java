package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The normalized AdaGrad (Vowpal Wabbit's --adaptive --normalized): a feature multiplied by 1000
 * leaves the predictions after training (nearly) where they were; plain SGD is thrown off.
 */
class NormalizedAdaGradTest {

    private static ModelSpec logistic(OptimizerSpec o) {
        return new ModelSpec(3, List.of(new LayerSpec(1, Activation.SIGMOID)), LossKind.BINARY_CROSS_ENTROPY, o, 0, 5L);
    }

    /** Points in [-1, 1]³ labeled by a plane, with feature 1 multiplied by {@code factor}. */
    private static double[][] stream(int n, double factor, long seed, double[] labels) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][3];
        for (int i = 0; i < n; i++) {
            double a = 2 * r.nextDouble() - 1;
            double b = 2 * r.nextDouble() - 1;
            double c = 2 * r.nextDouble() - 1;
            labels[i] = 0.8 * a - 1.2 * b + 0.5 * c + 0.1 > 0 ? 1 : 0;
            x[i] = new double[] {a, b * factor, c};
        }
        return x;
    }

    /** Trains one network on the stream, then returns its predicted probabilities for the test rows. */
    private static double[] trainAndPredict(OptimizerSpec o, double factor) {
        return trainAndPredict(Network.initialize(logistic(o)), factor);
    }

    private static double[] trainAndPredict(Network n, double factor) {
        double[] y = new double[3000];
        double[][] x = stream(3000, factor, 1, y);
        for (int i = 0; i < x.length; i++) {
            n.learnOne(x[i], y[i]);
        }
        double[] ty = new double[500];
        double[][] test = stream(500, factor, 2, ty);
        double[] p = new double[test.length];
        double[] out = new double[1];
        for (int i = 0; i < test.length; i++) {
            n.predict(test[i], out);
            p[i] = out[0];
        }
        return p;
    }

    private static double maxDifference(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void aFeatureTimesAThousandLeavesThePredictionsWhereTheyWere() {
        OptimizerSpec nag = OptimizerSpec.defaults(OptimizerKind.NORMALIZED_ADAGRAD);
        double[] plain = trainAndPredict(nag, 1);
        double[] scaled = trainAndPredict(nag, 1000);
        // Not exactly equal: the first example is predicted by the random initial weights before any
        // input scale is known, so its gradient differs (Vowpal Wabbit starts from zero weights).
        assertTrue(maxDifference(plain, scaled) < 0.02, "normalized: " + maxDifference(plain, scaled));
        double[][] zero = {{0, 0, 0}};
        double[][] noBias = {{0}};
        double fromZero = maxDifference(trainAndPredict(Network.withWeights(logistic(nag), zero, noBias), 1),
                trainAndPredict(Network.withWeights(logistic(nag), zero, noBias), 1000));
        assertTrue(fromZero < 1e-6, "from zero weights, up to epsilon: " + fromZero);

        OptimizerSpec sgd = OptimizerSpec.defaults(OptimizerKind.SGD).withLearningRate(0.1);
        double sgdDifference = maxDifference(trainAndPredict(sgd, 1), trainAndPredict(sgd, 1000));
        assertTrue(sgdDifference > 0.3, "plain SGD is thrown off by the factor: " + sgdDifference);
    }

    @Test
    void itLearnsTheStream() {
        double[] ty = new double[500];
        stream(500, 1000, 2, ty);
        double[] p = trainAndPredict(OptimizerSpec.defaults(OptimizerKind.NORMALIZED_ADAGRAD), 1000);
        int correct = 0;
        for (int i = 0; i < p.length; i++) {
            correct += (p[i] >= 0.5 ? 1 : 0) == ty[i] ? 1 : 0;
        }
        assertTrue(correct >= 480, correct + " of 500");
    }

    /** s follows the largest |input|; the batch's maximum is folded in by the step, then cleared. */
    @Test
    void theScaleSlotIsTheLargestInputSeenAndTheBatchMaximumIsPending() {
        ModelSpec spec = new ModelSpec(2, List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.SQUARED_ERROR,
                OptimizerSpec.defaults(OptimizerKind.NORMALIZED_ADAGRAD), 0, 1L);
        Network n = Network.withWeights(spec, new double[][] {{0.5, 0.5}}, new double[][] {{0}});
        n.accumulate(new double[] {2, -0.25}, new double[] {1});
        n.accumulate(new double[] {-3, 0.5}, new double[] {1});
        assertArrayEquals(new double[] {3, 0.5}, n.pendingInputMax(0), 0.0);
        assertArrayEquals(new double[] {0, 0}, n.slot(0, false, 1), 0.0, "not in the state before the step");
        n.applyUpdate();
        assertArrayEquals(new double[] {3, 0.5}, n.slot(0, false, 1), 0.0);
        assertArrayEquals(new double[] {0, 0}, n.pendingInputMax(0), 0.0);
        assertArrayEquals(new double[] {1}, n.slot(0, true, 1), 0.0, "a bias's input is 1");
        Network copy = n.copy();
        n.learnOne(new double[] {1, 1}, new double[] {0});
        copy.learnOne(new double[] {1, 1}, new double[] {0});
        assertEquals(Double.doubleToRawLongBits(n.weights(0)[0]), Double.doubleToRawLongBits(copy.weights(0)[0]));
    }

    /** g = 1e200 is finite but G = g² is not: refused, and the scale it would have taken is not kept. */
    @Test
    void anUpdateThatWouldOverflowTheAccumulatorIsRefusedWholeScaleIncluded() {
        ModelSpec spec = new ModelSpec(1, List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.SQUARED_ERROR,
                OptimizerSpec.defaults(OptimizerKind.NORMALIZED_ADAGRAD), 0, 1L);
        Network n = Network.withWeights(spec, new double[][] {{1}}, new double[][] {{0}});
        n.learnOne(new double[] {0.5}, new double[] {0});
        Network before = n.copy();
        n.accumulate(new double[] {1e100}, new double[] {0});
        assertFalse(n.applyUpdate());
        assertEquals(1, n.updatesRefused());
        assertEquals(Double.doubleToRawLongBits(before.weights(0)[0]), Double.doubleToRawLongBits(n.weights(0)[0]));
        assertArrayEquals(before.slot(0, false, 0), n.slot(0, false, 0), 0.0);
        assertArrayEquals(new double[] {0.5}, n.slot(0, false, 1), 0.0, "the scale of the refused input is not kept");
        assertArrayEquals(new double[] {0}, n.pendingInputMax(0), 0.0);
    }
}

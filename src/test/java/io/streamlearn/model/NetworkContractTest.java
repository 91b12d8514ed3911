package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every model must do, whatever its optimizer, loss and depth (River's check_estimator
 * idea): be deterministic, copy deeply, restore bit for bit, learn an easy problem, refuse bad input.
 */
class NetworkContractTest {

    static Stream<ModelSpec> specs() {
        List<ModelSpec> out = new ArrayList<>();
        for (OptimizerKind k : OptimizerKind.values()) {
            OptimizerSpec o = OptimizerSpec.defaults(k).withLearningRate(k == OptimizerKind.SGD || k == OptimizerKind.MOMENTUM ? 0.1 : 0.05);
            out.add(new ModelSpec(3, List.of(new LayerSpec(1, Activation.SIGMOID)), LossKind.BINARY_CROSS_ENTROPY, o, 0.0, 5L));
            out.add(new ModelSpec(3, List.of(new LayerSpec(5, Activation.TANH), new LayerSpec(2, Activation.SOFTMAX)),
                    LossKind.CATEGORICAL_CROSS_ENTROPY, o, 1e-4, 5L));
        }
        OptimizerSpec sgd = OptimizerSpec.defaults(OptimizerKind.SGD).withLearningRate(0.05);
        out.add(new ModelSpec(3, List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.HINGE, sgd, 0.0, 5L));
        out.add(new ModelSpec(3, List.of(new LayerSpec(1, Activation.STEP)), LossKind.PERCEPTRON, sgd, 0.0, 5L));
        out.add(new ModelSpec(3, List.of(new LayerSpec(4, Activation.RELU), new LayerSpec(1, Activation.LINEAR)),
                LossKind.SQUARED_ERROR, sgd, 0.0, 5L));
        return out.stream();
    }

    /** Separable by x0 + x1 − x2 > 0. */
    private static List<double[]> stream(int n, long seed) {
        Random r = new Random(seed);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            rows.add(new double[] {x[0], x[1], x[2], x[0] + x[1] - x[2] > 0 ? 1 : 0});
        }
        return rows;
    }

    private static void train(Network n, List<double[]> rows) {
        double[] t = new double[n.outputSize()];
        for (double[] row : rows) {
            n.target(row[3], t);
            n.learnOne(new double[] {row[0], row[1], row[2]}, t);
        }
    }

    private static double accuracy(Network n, List<double[]> rows) {
        double[] out = new double[n.outputSize()];
        int ok = 0;
        for (double[] row : rows) {
            n.predict(new double[] {row[0], row[1], row[2]}, out);
            if (n.predictClass(out) == (int) row[3]) {
                ok++;
            }
        }
        return (double) ok / rows.size();
    }

    private static void assertSameBits(Network a, Network b) {
        for (int l = 0; l < a.layerCount(); l++) {
            assertArrayEquals(a.weights(l), b.weights(l), 0.0);
            assertArrayEquals(a.biases(l), b.biases(l), 0.0);
            for (int s = 0; s < a.slotCount(); s++) {
                assertArrayEquals(a.slot(l, false, s), b.slot(l, false, s), 0.0);
            }
        }
        assertEquals(a.updatesApplied(), b.updatesApplied());
    }

    @ParameterizedTest
    @MethodSource("specs")
    void deterministic(ModelSpec spec) {
        Network a = Network.initialize(spec);
        Network b = Network.initialize(spec);
        train(a, stream(300, 1));
        train(b, stream(300, 1));
        assertSameBits(a, b);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void copyIsDeepAndContinuesIdentically(ModelSpec spec) {
        Network a = Network.initialize(spec);
        train(a, stream(100, 2));
        Network b = a.copy();
        train(a, stream(100, 3));
        train(b, stream(100, 3));
        assertSameBits(a, b);
        Network c = a.copy();
        train(c, stream(50, 4));
        assertNotEquals(a.updatesApplied(), c.updatesApplied(), "training the copy leaves the original alone");
    }

    @ParameterizedTest
    @MethodSource("specs")
    void stateWrittenThroughTheLiveArraysRestoresBitForBit(ModelSpec spec) {
        Network a = Network.initialize(spec);
        train(a, stream(100, 5));
        double[] t = new double[a.outputSize()];
        a.target(1, t);
        a.accumulate(new double[] {0.3, -0.2, 0.1}, t); // an open batch
        Network b = Network.initialize(new ModelSpec(spec.inputSize(), spec.layers(), spec.loss(), spec.optimizer(),
                spec.l2(), spec.seed() + 1));
        for (int l = 0; l < a.layerCount(); l++) {
            System.arraycopy(a.weights(l), 0, b.weights(l), 0, a.weights(l).length);
            System.arraycopy(a.biases(l), 0, b.biases(l), 0, a.biases(l).length);
            System.arraycopy(a.pendingWeightGradient(l), 0, b.pendingWeightGradient(l), 0, a.pendingWeightGradient(l).length);
            System.arraycopy(a.pendingBiasGradient(l), 0, b.pendingBiasGradient(l), 0, a.pendingBiasGradient(l).length);
            for (int s = 0; s < a.slotCount(); s++) {
                System.arraycopy(a.slot(l, false, s), 0, b.slot(l, false, s), 0, a.slot(l, false, s).length);
                System.arraycopy(a.slot(l, true, s), 0, b.slot(l, true, s), 0, a.slot(l, true, s).length);
            }
        }
        b.restoreState(a.updatesApplied(), a.pendingCount());
        a.applyUpdate();
        b.applyUpdate();
        train(a, stream(100, 6));
        train(b, stream(100, 6));
        assertSameBits(a, b);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void learnsAnEasyProblem(ModelSpec spec) {
        Network n = Network.initialize(spec);
        List<double[]> test = stream(500, 99);
        double before = accuracy(n, test);
        for (int epoch = 0; epoch < 5; epoch++) {
            train(n, stream(1000, 7 + epoch));
        }
        double after = accuracy(n, test);
        assertTrue(after >= 0.9, "accuracy " + before + " -> " + after);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void refusesInputsOfTheWrongLength(ModelSpec spec) {
        Network n = Network.initialize(spec);
        assertThrows(IllegalArgumentException.class, () -> n.predict(new double[2], new double[n.outputSize()]));
        assertThrows(IllegalArgumentException.class, () -> n.accumulate(new double[4], new double[n.outputSize()]));
        assertThrows(IllegalArgumentException.class, () -> n.accumulate(new double[3], new double[n.outputSize() + 1]));
    }

    @Test
    void oneUpdatePathForOneExampleAndForABatch() {
        ModelSpec spec = specs().toList().get(1);
        List<double[]> rows = stream(8, 8);
        double[][] xs = new double[8][];
        double[][] ys = new double[8][];
        Network a = Network.initialize(spec);
        Network b = Network.initialize(spec);
        for (int i = 0; i < 8; i++) {
            xs[i] = new double[] {rows.get(i)[0], rows.get(i)[1], rows.get(i)[2]};
            ys[i] = new double[2];
            a.target(rows.get(i)[3], ys[i]);
            b.accumulate(xs[i], ys[i]);
        }
        a.learnMany(xs, ys);
        assertEquals(0, b.updatesApplied(), "accumulating does not update");
        assertEquals(8, b.pendingCount());
        b.applyUpdate();
        assertSameBits(a, b);
        assertEquals(0, b.pendingCount());
    }

    @Test
    void labelsAreCheckedAgainstTheOutputLayer() {
        Network binary = Network.initialize(specs().toList().get(0));
        assertTrue(binary.isValidLabel(0) && binary.isValidLabel(1));
        assertTrue(!binary.isValidLabel(2) && !binary.isValidLabel(0.5) && !binary.isValidLabel(Double.NaN));
        Network twoClasses = Network.initialize(specs().toList().get(1));
        assertTrue(twoClasses.isValidLabel(1) && !twoClasses.isValidLabel(2) && !twoClasses.isValidLabel(-1));
        Network regression = Network.initialize(specs().toList().get(specs().toList().size() - 1));
        assertTrue(regression.isValidLabel(-3.25));
    }
}

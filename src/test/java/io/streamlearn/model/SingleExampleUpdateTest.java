package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The single-example paths — {@code learnOne}, and {@code predict} followed by
 * {@code learnPredicted} (one forward pass, and for SGD the gradient written straight into the
 * weights) — give the same bits, sign of zero included, as the general path:
 * {@code accumulate} then {@code applyUpdate}.
 */
class SingleExampleUpdateTest {

    static Stream<ModelSpec> specs() {
        List<ModelSpec> out = new ArrayList<>();
        for (OptimizerKind k : OptimizerKind.values()) {
            OptimizerSpec o = OptimizerSpec.defaults(k).withLearningRate(0.05);
            for (int d : new int[] {1, 3, 37}) {
                out.add(new ModelSpec(d, List.of(new LayerSpec(1, Activation.SIGMOID)), LossKind.BINARY_CROSS_ENTROPY, o, 0.0, 5L));
                out.add(new ModelSpec(d, List.of(new LayerSpec(1, Activation.SIGMOID)), LossKind.BINARY_CROSS_ENTROPY, o, 1e-3, 5L));
            }
            out.add(new ModelSpec(4, List.of(new LayerSpec(5, Activation.TANH), new LayerSpec(3, Activation.SOFTMAX)),
                    LossKind.CATEGORICAL_CROSS_ENTROPY, o, 1e-4, 5L));
            out.add(new ModelSpec(4, List.of(new LayerSpec(6, Activation.RELU), new LayerSpec(4, Activation.TANH),
                    new LayerSpec(1, Activation.LINEAR)), LossKind.SQUARED_ERROR, o, 0.0, 5L));
        }
        OptimizerSpec sgd = OptimizerSpec.defaults(OptimizerKind.SGD).withLearningRate(1.0);
        out.add(new ModelSpec(3, List.of(new LayerSpec(1, Activation.STEP)), LossKind.PERCEPTRON, sgd, 0.0, 5L));
        out.add(new ModelSpec(3, List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.HINGE, sgd, 0.0, 5L));
        return out.stream();
    }

    /** Features with exact zeros of both signs, so that products of −0.0 occur. */
    private static double[][] stream(int n, int d, long seed) {
        Random r = new Random(seed);
        double[][] xs = new double[n][d];
        for (double[] x : xs) {
            for (int j = 0; j < d; j++) {
                int kind = r.nextInt(6);
                x[j] = kind == 0 ? 0.0 : kind == 1 ? -0.0 : r.nextGaussian();
            }
        }
        return xs;
    }

    /** A network starting from all-zero weights (the perceptron rule's start), or seeded. */
    private static Network start(ModelSpec spec, boolean zeros) {
        if (!zeros) {
            return Network.initialize(spec);
        }
        double[][] w = new double[spec.layers().size()][];
        double[][] b = new double[spec.layers().size()][];
        int in = spec.inputSize();
        for (int l = 0; l < w.length; l++) {
            int units = spec.layers().get(l).units();
            w[l] = new double[units * in];
            b[l] = new double[units];
            in = units;
        }
        return Network.withWeights(spec, w, b);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void bitsEqualTheGeneralPath(ModelSpec spec) {
        for (boolean zeros : new boolean[] {false, true}) {
            Network general = start(spec, zeros);
            Network one = start(spec, zeros);
            Network predicted = start(spec, zeros);
            double[][] xs = stream(400, spec.inputSize(), 11);
            Random labels = new Random(3);
            double[] t = new double[general.outputSize()];
            double[] out = new double[general.outputSize()];
            for (double[] x : xs) {
                double label = labels.nextInt(general.outputSize() == 1 ? 2 : general.outputSize());
                general.target(label, t);
                double lg = general.accumulate(x, t);
                general.applyUpdate();
                double lo = one.learnOne(x, t);
                predicted.predict(x, out);
                double lp = predicted.learnPredicted(t);
                assertEquals(Double.doubleToRawLongBits(lg), Double.doubleToRawLongBits(lo), "loss");
                assertEquals(Double.doubleToRawLongBits(lg), Double.doubleToRawLongBits(lp), "loss");
            }
            assertSameBits(general, one);
            assertSameBits(general, predicted);
        }
    }

    @ParameterizedTest
    @MethodSource("specs")
    void accumulatingAPredictedExampleEqualsAccumulatingIt(ModelSpec spec) {
        Network general = Network.initialize(spec);
        Network predicted = Network.initialize(spec);
        double[][] xs = stream(120, spec.inputSize(), 5);
        double[] t = new double[general.outputSize()];
        double[] out = new double[general.outputSize()];
        for (int i = 0; i < xs.length; i++) {
            general.target(i % 2, t);
            general.accumulate(xs[i], t);
            predicted.predict(xs[i], out);
            predicted.accumulatePredicted(t);
            if (i % 7 == 6) {
                general.applyUpdate();
                predicted.applyUpdate();
            }
        }
        assertSameBits(general, predicted);
    }

    @Test
    void learningFromAStaleForwardPassIsRefused() {
        ModelSpec spec = new ModelSpec(2, List.of(new LayerSpec(1, Activation.SIGMOID)), LossKind.BINARY_CROSS_ENTROPY,
                OptimizerSpec.defaults(OptimizerKind.SGD), 0.0, 1L);
        Network n = Network.initialize(spec);
        double[] t = {1};
        assertThrows(IllegalStateException.class, () -> n.learnPredicted(t), "nothing predicted yet");
        n.predict(new double[] {1, 2}, new double[1]);
        n.learnPredicted(t);
        assertThrows(IllegalStateException.class, () -> n.learnPredicted(t), "the weights changed since");
    }

    private static void assertSameBits(Network a, Network b) {
        assertEquals(a.updatesApplied(), b.updatesApplied());
        assertEquals(a.pendingCount(), b.pendingCount());
        for (int l = 0; l < a.layerCount(); l++) {
            assertBits(a.weights(l), b.weights(l), "weights of layer " + l);
            assertBits(a.biases(l), b.biases(l), "biases of layer " + l);
            assertBits(a.pendingWeightGradient(l), b.pendingWeightGradient(l), "open gradient of layer " + l);
            for (int s = 0; s < a.slotCount(); s++) {
                assertBits(a.slot(l, false, s), b.slot(l, false, s), "slot " + s + " of layer " + l);
                assertBits(a.slot(l, true, s), b.slot(l, true, s), "bias slot " + s + " of layer " + l);
            }
        }
    }

    private static void assertBits(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    what + "[" + i + "]: " + expected[i] + " vs " + actual[i]);
        }
    }
}

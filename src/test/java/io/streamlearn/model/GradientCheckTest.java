package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The analytic gradient that {@link Network#accumulate} adds to the open batch against central
 * finite differences of the loss, for every output activation × loss pair the model validator
 * accepts (the perceptron's loss is read on z, so it is checked with step and sign outputs too),
 * and for networks with hidden layers.
 */
class GradientCheckTest {
    private static final double H = 1e-6;

    /**
     * Every output activation × loss pair that {@link ModelSpec#problems} accepts, so a pair the
     * validator lets through is a pair whose gradient is checked. All of them are differentiable
     * where the loss is read: step and sign pass only with the perceptron, which reads z.
     */
    static Stream<Arguments> pairs() {
        List<Arguments> out = new ArrayList<>();
        for (Activation g : Activation.values()) {
            for (LossKind loss : LossKind.values()) {
                for (int outputs : new int[] {1, 3}) {
                    if (g == Activation.SOFTMAX && outputs == 1) {
                        continue;   // a one-way softmax is constant 1: nothing to check
                    }
                    if (ModelSpec.problems(4, List.of(new LayerSpec(outputs, g)), loss,
                            OptimizerSpec.defaults(OptimizerKind.SGD), 0.0).isEmpty()) {
                        out.add(Arguments.of(g, loss, outputs));
                    }
                }
            }
        }
        return out.stream();
    }

    @Test
    void theValidatorAcceptsTheseTwelvePairs() {
        List<String> names = pairs().map(a -> a.get()[0] + "×" + a.get()[1]).distinct().toList();
        assertEquals(List.of("STEP×PERCEPTRON", "SIGN×PERCEPTRON", "LINEAR×SQUARED_ERROR", "LINEAR×HINGE",
                "LINEAR×PERCEPTRON", "RELU×SQUARED_ERROR", "SIGMOID×BINARY_CROSS_ENTROPY", "SIGMOID×SQUARED_ERROR",
                "TANH×SQUARED_ERROR", "TANH×HINGE", "SOFTMAX×CATEGORICAL_CROSS_ENTROPY", "SOFTMAX×SQUARED_ERROR"), names);
    }

    private static ModelSpec spec(int inputs, List<LayerSpec> layers, LossKind loss) {
        return new ModelSpec(inputs, layers, loss, OptimizerSpec.defaults(OptimizerKind.SGD), 0.0, 11L);
    }

    @ParameterizedTest(name = "{0} x {1}, {2} outputs")
    @MethodSource("pairs")
    void singleLayer(Activation g, LossKind loss, int outputs) {
        check(spec(4, List.of(new LayerSpec(outputs, g)), loss), loss, outputs, 1);
    }

    @Test
    void twoLayersTanhSoftmaxCrossEntropy() {
        check(spec(3, List.of(new LayerSpec(4, Activation.TANH), new LayerSpec(2, Activation.SOFTMAX)),
                LossKind.CATEGORICAL_CROSS_ENTROPY), LossKind.CATEGORICAL_CROSS_ENTROPY, 2, 2);
    }

    @Test
    void twoLayersReluSigmoidBinaryCrossEntropy() {
        check(spec(2, List.of(new LayerSpec(3, Activation.RELU), new LayerSpec(1, Activation.SIGMOID)),
                LossKind.BINARY_CROSS_ENTROPY), LossKind.BINARY_CROSS_ENTROPY, 1, 3);
    }

    @Test
    void twoLayersTanhLinearPerceptron() {
        check(spec(3, List.of(new LayerSpec(4, Activation.TANH), new LayerSpec(1, Activation.LINEAR)),
                LossKind.PERCEPTRON), LossKind.PERCEPTRON, 1, 5);
    }

    @Test
    void twoLayersTanhTanhHinge() {
        check(spec(3, List.of(new LayerSpec(4, Activation.TANH), new LayerSpec(2, Activation.TANH)),
                LossKind.HINGE), LossKind.HINGE, 2, 6);
    }

    @Test
    void threeLayersWithAHiddenSoftmax() {
        check(spec(3, List.of(new LayerSpec(4, Activation.SIGMOID), new LayerSpec(3, Activation.SOFTMAX),
                new LayerSpec(2, Activation.LINEAR)), LossKind.SQUARED_ERROR), LossKind.SQUARED_ERROR, 2, 4);
    }

    private static void check(ModelSpec spec, LossKind loss, int outputs, long seed) {
        Random r = new Random(seed * 31 + outputs);
        Network n = Network.initialize(spec);
        double[] x = new double[spec.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        double[] y = new double[outputs];
        if (loss == LossKind.SQUARED_ERROR) {
            for (int i = 0; i < outputs; i++) {
                y[i] = r.nextGaussian();
            }
        } else if (loss == LossKind.CATEGORICAL_CROSS_ENTROPY) {
            y[r.nextInt(outputs)] = 1;
        } else {
            for (int i = 0; i < outputs; i++) {
                y[i] = r.nextInt(2);
            }
        }
        n.accumulate(x, y);
        double[] out = new double[outputs];
        for (int l = 0; l < n.layerCount(); l++) {
            compare(n, x, y, out, n.weights(l), n.pendingWeightGradient(l), "layer " + l + " W");
            compare(n, x, y, out, n.biases(l), n.pendingBiasGradient(l), "layer " + l + " b");
        }
    }

    private static void compare(Network n, double[] x, double[] y, double[] out, double[] params, double[] grad, String what) {
        for (int i = 0; i < params.length; i++) {
            double keep = params[i];
            params[i] = keep + H;
            n.predict(x, out);
            double up = n.loss(out, y);
            params[i] = keep - H;
            n.predict(x, out);
            double down = n.loss(out, y);
            params[i] = keep;
            double numeric = (up - down) / (2 * H);
            double tol = 1e-6 + 1e-5 * Math.abs(numeric);
            assertEquals(numeric, grad[i], tol, what + "[" + i + "]");
        }
    }

    @Test
    void l2IsAddedToWeightsNotBiases() {
        ModelSpec spec = new ModelSpec(2, List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.SQUARED_ERROR,
                OptimizerSpec.defaults(OptimizerKind.SGD).withLearningRate(1.0), 0.5, 3L);
        Network n = Network.withWeights(spec, new double[][] {{2, -4}}, new double[][] {{1}});
        // a = 2*1 - 4*1 + 1 = -1, y = 0: dL/dz = -1, dW = (-1, -1), db = -1.
        n.learnOne(new double[] {1, 1}, new double[] {0});
        assertEquals(2 - (-1 + 0.5 * 2), n.weights(0)[0], 1e-15);
        assertEquals(-4 - (-1 + 0.5 * -4), n.weights(0)[1], 1e-15);
        assertEquals(1 - (-1), n.biases(0)[0], 1e-15, "no L2 on the bias");
        assertTrue(n.updatesApplied() == 1);
    }
}

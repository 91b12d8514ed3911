package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One step of each optimizer on a one-weight linear model with squared error, where the
 * gradient is known: w = 2, b = 0, x = 1, y = 0 gives a = 2, dL/dw = dL/db = 2. The expected
 * values are Keras' formulas written out.
 */
class OptimizerStepTest {
    private static Network net(OptimizerSpec o) {
        ModelSpec spec = new ModelSpec(1, List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.SQUARED_ERROR, o, 0.0, 1L);
        return Network.withWeights(spec, new double[][] {{2}}, new double[][] {{0}});
    }

    private static Network stepped(OptimizerSpec o, int steps) {
        Network n = net(o);
        for (int i = 0; i < steps; i++) {
            n.learnOne(new double[] {1}, new double[] {0});
        }
        return n;
    }

    @Test
    void sgd() {
        assertEquals(2 - 0.01 * 2, stepped(OptimizerSpec.defaults(OptimizerKind.SGD), 1).weights(0)[0], 0);
    }

    @Test
    void momentum() {
        Network n = stepped(OptimizerSpec.defaults(OptimizerKind.MOMENTUM), 2);
        double v1 = -0.01 * 2;           // the bias moves the same way: b1 = v1
        double w1 = 2 + v1;
        double a2 = w1 + v1;             // the second gradient is a2 * x = a2
        double v2 = 0.9 * v1 - 0.01 * a2;
        assertEquals(w1 + v2, n.weights(0)[0], 1e-15);
        assertEquals(v2, n.slot(0, false, 0)[0], 1e-15, "velocity in the slot");
    }

    /**
     * Keras 3's Adagrad.update_step written out: the accumulator starts at 0.1, gains g², and the
     * step is lr·g / √(accumulator + ε) — ε inside the root.
     */
    private static double kerasAdagrad(double w, double g, double accumulator, double lr, double eps) {
        return w - lr * g / Math.sqrt(accumulator + g * g + eps);
    }

    /** Keras 3's RMSprop.update_step (no momentum, not centred): v ← ρv + (1 − ρ)g², step lr·g / √(v + ε). */
    private static double kerasRmsprop(double w, double g, double v, double lr, double rho, double eps) {
        return w - lr * g / Math.sqrt(rho * v + (1 - rho) * g * g + eps);
    }

    private static OptimizerSpec withEpsilon(OptimizerKind kind, double eps) {
        OptimizerSpec d = OptimizerSpec.defaults(kind);
        return new OptimizerSpec(kind, d.learningRate(), d.beta1(), d.beta2(), eps, d.momentum(), d.rho(), d.initialAccumulator());
    }

    @Test
    void defaultsAreKeras() {
        OptimizerSpec adagrad = OptimizerSpec.defaults(OptimizerKind.ADAGRAD);
        assertEquals(0.001, adagrad.learningRate());
        assertEquals(0.1, adagrad.initialAccumulator(), "Keras' initial_accumulator_value");
        assertEquals(1e-7, adagrad.epsilon());
        OptimizerSpec rmsprop = OptimizerSpec.defaults(OptimizerKind.RMSPROP);
        assertEquals(0.001, rmsprop.learningRate());
        assertEquals(0.9, rmsprop.rho());
        assertEquals(1e-7, rmsprop.epsilon());
        OptimizerSpec adam = OptimizerSpec.defaults(OptimizerKind.ADAM);
        assertEquals(0.001, adam.learningRate());
        assertEquals(0.9, adam.beta1());
        assertEquals(0.999, adam.beta2());
        assertEquals(1e-7, adam.epsilon());
        assertEquals(0.01, OptimizerSpec.defaults(OptimizerKind.SGD).learningRate());
        assertEquals(0.9, OptimizerSpec.defaults(OptimizerKind.MOMENTUM).momentum());
    }

    @Test
    void adagrad() {
        Network n = stepped(OptimizerSpec.defaults(OptimizerKind.ADAGRAD), 1);
        assertEquals(kerasAdagrad(2, 2, 0.1, 0.001, 1e-7), n.weights(0)[0], 1e-15);
        assertEquals(0.1 + 4, n.slot(0, false, 0)[0], 1e-15, "accumulator: 0.1 + g²");
        assertEquals(kerasAdagrad(0, 2, 0.1, 0.001, 1e-7), n.biases(0)[0], 1e-15);
    }

    @Test
    void adagradPutsEpsilonInsideTheRoot() {
        // ε = 1 makes the place of ε visible. By hand: accumulator = 0.1 + 2² = 4.1,
        // √(4.1 + 1) = √5.1 = 2.258318, 0.001·2 / 2.258318 = 0.000885615, w = 1.999114385.
        // (√4.1 + 1 = 3.024846 would give w = 1.999338809.)
        Network n = stepped(withEpsilon(OptimizerKind.ADAGRAD, 1.0), 1);
        assertEquals(1.999114385, n.weights(0)[0], 1e-9);
        assertEquals(kerasAdagrad(2, 2, 0.1, 0.001, 1.0), n.weights(0)[0], 1e-15);
    }

    @Test
    void adagradTwoSteps() {
        Network n = stepped(OptimizerSpec.defaults(OptimizerKind.ADAGRAD), 2);
        double w1 = kerasAdagrad(2, 2, 0.1, 0.001, 1e-7);
        double b1 = kerasAdagrad(0, 2, 0.1, 0.001, 1e-7);
        double g2 = w1 + b1;             // a = w·1 + b, y = 0
        assertEquals(kerasAdagrad(w1, g2, 4.1, 0.001, 1e-7), n.weights(0)[0], 1e-15);
        assertEquals(4.1 + g2 * g2, n.slot(0, false, 0)[0], 1e-14);
    }

    @Test
    void rmsprop() {
        Network n = stepped(OptimizerSpec.defaults(OptimizerKind.RMSPROP), 1);
        assertEquals(kerasRmsprop(2, 2, 0, 0.001, 0.9, 1e-7), n.weights(0)[0], 1e-15);
        assertEquals(0.1 * 4, n.slot(0, false, 0)[0], 1e-15, "v = (1 − ρ)·g²");
    }

    @Test
    void rmspropPutsEpsilonInsideTheRoot() {
        // ε = 1. By hand: v = 0.1·2² = 0.4, √(0.4 + 1) = √1.4 = 1.183216, 0.001·2 / 1.183216 = 0.001690309,
        // w = 1.998309691. (√0.4 + 1 = 1.632456 would give w = 1.998774852.)
        Network n = stepped(withEpsilon(OptimizerKind.RMSPROP, 1.0), 1);
        assertEquals(1.998309691, n.weights(0)[0], 1e-9);
        assertEquals(kerasRmsprop(2, 2, 0, 0.001, 0.9, 1.0), n.weights(0)[0], 1e-15);
    }

    @Test
    void rmspropTwoSteps() {
        Network n = stepped(OptimizerSpec.defaults(OptimizerKind.RMSPROP), 2);
        double w1 = kerasRmsprop(2, 2, 0, 0.001, 0.9, 1e-7);
        double b1 = kerasRmsprop(0, 2, 0, 0.001, 0.9, 1e-7);
        double g2 = w1 + b1;
        assertEquals(kerasRmsprop(w1, g2, 0.4, 0.001, 0.9, 1e-7), n.weights(0)[0], 1e-15);
    }

    @Test
    void adam() {
        Network n = stepped(OptimizerSpec.defaults(OptimizerKind.ADAM), 1);
        double m = 0.1 * 2;
        double v = 0.001 * 4;
        double lrT = 0.001 * Math.sqrt(1 - 0.999) / (1 - 0.9);
        assertEquals(2 - lrT * m / (Math.sqrt(v) + 1e-7), n.weights(0)[0], 1e-15);
        assertEquals(m, n.slot(0, false, 0)[0], 1e-15, "first moment");
        assertEquals(v, n.slot(0, false, 1)[0], 1e-15, "second moment");
        assertEquals(1, n.updatesApplied());
    }
}

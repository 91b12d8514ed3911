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

    @Test
    void adagrad() {
        double acc = 0.1 + 4;
        assertEquals(2 - 0.001 * 2 / (Math.sqrt(acc) + 1e-7), stepped(OptimizerSpec.defaults(OptimizerKind.ADAGRAD), 1).weights(0)[0], 1e-15);
    }

    @Test
    void rmsprop() {
        double v = 0.1 * 4;
        assertEquals(2 - 0.001 * 2 / (Math.sqrt(v) + 1e-7), stepped(OptimizerSpec.defaults(OptimizerKind.RMSPROP), 1).weights(0)[0], 1e-15);
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

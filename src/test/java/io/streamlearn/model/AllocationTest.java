package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hot path allocates nothing, measured with the JVM's per-thread allocation counter: one
 * 16-byte object per call would show as hundreds of kilobytes over the rounds, while the
 * allowance only covers the measurement itself.
 */
class AllocationTest {
    private static final int ROUNDS = 20_000;
    private static final long ALLOWANCE_BYTES = 4096;

    private static ModelSpec spec(LossKind loss, OptimizerKind k, LayerSpec... layers) {
        return new ModelSpec(3, List.of(layers), loss, OptimizerSpec.defaults(k), 1e-4, 1L);
    }

    @Test
    void predictAccumulateApplyUpdateAndLearnOneAllocateNothing() {
        var plain = ManagementFactory.getThreadMXBean();
        assumeTrue(plain instanceof com.sun.management.ThreadMXBean, "no allocation counter on this JVM");
        var bean = (com.sun.management.ThreadMXBean) plain;
        assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
        Network[] nets = {
            Network.initialize(spec(LossKind.CATEGORICAL_CROSS_ENTROPY, OptimizerKind.ADAM,
                    new LayerSpec(8, Activation.TANH), new LayerSpec(4, Activation.RELU), new LayerSpec(3, Activation.SOFTMAX))),
            Network.initialize(spec(LossKind.BINARY_CROSS_ENTROPY, OptimizerKind.RMSPROP, new LayerSpec(1, Activation.SIGMOID))),
            Network.initialize(spec(LossKind.HINGE, OptimizerKind.ADAGRAD,
                    new LayerSpec(5, Activation.SIGMOID), new LayerSpec(1, Activation.LINEAR))),
            Network.initialize(spec(LossKind.PERCEPTRON, OptimizerKind.MOMENTUM, new LayerSpec(1, Activation.STEP))),
            Network.initialize(spec(LossKind.SQUARED_ERROR, OptimizerKind.SGD, new LayerSpec(2, Activation.LINEAR))),
        };
        double[] x = {0.3, -0.7, 1.1};
        long thread = Thread.currentThread().getId();
        for (Network net : nets) {
            double[] out = new double[net.outputSize()];
            double[] target = new double[net.outputSize()];
            net.target(1, target);
            exercise(net, x, out, target); // warm up: class loading and compilation
            long before = bean.getThreadAllocatedBytes(thread);
            exercise(net, x, out, target);
            long allocated = bean.getThreadAllocatedBytes(thread) - before;
            assertTrue(allocated < ALLOWANCE_BYTES, net.spec() + " allocated " + allocated + " bytes in " + ROUNDS + " rounds");
        }
    }

    /** The refusal path too: a refused update leaves the previous weights in place without allocating. */
    @Test
    void refusingANonFiniteUpdateAllocatesNothing() {
        var plain = ManagementFactory.getThreadMXBean();
        assumeTrue(plain instanceof com.sun.management.ThreadMXBean, "no allocation counter on this JVM");
        var bean = (com.sun.management.ThreadMXBean) plain;
        assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
        Network[] nets = {
            Network.initialize(spec(LossKind.SQUARED_ERROR, OptimizerKind.ADAM,
                    new LayerSpec(8, Activation.RELU), new LayerSpec(1, Activation.LINEAR))),
            Network.initialize(spec(LossKind.SQUARED_ERROR, OptimizerKind.SGD, new LayerSpec(2, Activation.LINEAR))),
        };
        double[] huge = {1e200, 1e200, 1e200};
        long thread = Thread.currentThread().getId();
        for (Network net : nets) {
            double[] target = new double[net.outputSize()];
            refuse(net, huge, target); // warm up
            long refusedBefore = net.updatesRefused();
            long before = bean.getThreadAllocatedBytes(thread);
            refuse(net, huge, target);
            long allocated = bean.getThreadAllocatedBytes(thread) - before;
            assertTrue(net.updatesRefused() - refusedBefore == 2L * ROUNDS, "every update was refused");
            assertTrue(allocated < ALLOWANCE_BYTES, net.spec() + " allocated " + allocated + " bytes in " + ROUNDS + " rounds");
        }
    }

    private static void refuse(Network net, double[] x, double[] target) {
        for (int i = 0; i < ROUNDS; i++) {
            net.learnOne(x, target);
            net.accumulate(x, target);
            net.applyUpdate();
        }
    }

    private static double exercise(Network net, double[] x, double[] out, double[] target) {
        double sink = 0;
        for (int i = 0; i < ROUNDS; i++) {
            x[0] = (i % 7) * 0.1;
            net.predict(x, out);
            sink += net.predictClass(out) + net.loss(out, target);
            sink += net.accumulate(x, target);
            net.accumulate(x, target);
            net.applyUpdate();
            sink += net.learnOne(x, target);
        }
        return sink;
    }
}

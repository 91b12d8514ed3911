package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamlearn.model.optim.Adam;
import io.streamlearn.model.optim.Optimizer;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every optimizer promises, whichever formula it uses. */
class OptimizerContractTest {
    private static final int N = 257; // not a multiple of any vector width: the loops' tails run too

    private static final Map<OptimizerKind, Integer> SLOTS = Map.of(
            OptimizerKind.SGD, 0, OptimizerKind.MOMENTUM, 1, OptimizerKind.ADAGRAD, 1,
            OptimizerKind.RMSPROP, 1, OptimizerKind.ADAM, 2, OptimizerKind.NORMALIZED_ADAGRAD, 2);

    private static Optimizer optimizer(OptimizerKind kind) {
        return OptimizerSpec.defaults(kind).optimizer();
    }

    /** State as a network starts it: every slot at the optimizer's initial value. */
    private static double[][] freshSlots(Optimizer o, int n) {
        double[][] s = new double[o.slots()][n];
        for (int k = 0; k < s.length; k++) {
            Arrays.fill(s[k], o.initialSlotValue(k));
        }
        return s;
    }

    private static double[] random(SplittableRandom r, int n, double scale) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (2 * r.nextDouble() - 1) * scale;
        }
        return a;
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int k = 0; k < a.length; k++) {
            c[k] = a[k].clone();
        }
        return c;
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void slotCountIsTheStateItKeepsAndANetworkAllocatesThatMany(OptimizerKind kind) {
        Optimizer o = optimizer(kind);
        assertEquals(SLOTS.get(kind), o.slots());
        ModelSpec spec = new ModelSpec(2, java.util.List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.SQUARED_ERROR,
                OptimizerSpec.defaults(kind), 0.0, 1L);
        assertEquals(o.slots(), Network.initialize(spec).slotCount());
    }

    /** Exactly slots() state arrays suffice (one more read would throw); every one moves; the gradient is cleared. */
    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void stepsParametersAndEveryStateSlotInPlaceAndClearsTheGradient(OptimizerKind kind) {
        Optimizer o = optimizer(kind);
        SplittableRandom r = new SplittableRandom(3);
        double[] w = random(r, N, 1);
        double[] grad = random(r, N, 5);
        double[][] slots = freshSlots(o, N);
        double[] wBefore = w.clone();
        double[][] slotsBefore = deepCopy(slots);
        assertTrue(o.step(o.stepSize(1), 0.5, 1e-3, w, grad, slots));
        for (int i = 0; i < N; i++) {
            assertTrue(w[i] != wBefore[i], "weight " + i + " moved");
            for (int k = 0; k < slots.length; k++) {
                assertTrue(slots[k][i] != slotsBefore[k][i], "slot " + k + " at " + i + " moved");
            }
        }
        assertArrayEquals(new double[N], grad, 0.0, "gradient cleared for the next batch");
    }

    /** The flag the caller refuses a step by: true for an ordinary step, false once any output overflows. */
    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void reportsWhetherEveryOutputIsFinite(OptimizerKind kind) {
        Optimizer o = optimizer(kind);
        SplittableRandom r = new SplittableRandom(13);
        double[] w = random(r, N, 1);
        assertTrue(o.step(o.stepSize(1), 1.0, 1e-3, w, random(r, N, 5), freshSlots(o, N)));
        double[] grad = random(r, N, 5);
        grad[N - 1] = Double.MAX_VALUE; // the last element: a flag that stopped early would miss it
        assertFalse(o.step(o.stepSize(1), 10.0, 0.0, w.clone(), grad, freshSlots(o, N)), "gradient overflows");
        if (o.slots() > 0 && kind != OptimizerKind.MOMENTUM) {
            // g² overflows while the weight, divided by √∞, stays finite: only the state shows it
            grad = new double[N];
            grad[N - 1] = 1e200;
            double[] stepped = w.clone();
            assertFalse(o.step(o.stepSize(1), 1.0, 0.0, stepped, grad, freshSlots(o, N)), "state overflows");
            assertTrue(Double.isFinite(stepped[N - 1]));
        }
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void aZeroGradientFromFreshStateLeavesTheWeightsUnchanged(OptimizerKind kind) {
        Optimizer o = optimizer(kind);
        double[] w = random(new SplittableRandom(5), N, 1);
        double[] stepped = w.clone();
        o.step(o.stepSize(1), 1.0, 0.0, stepped, new double[N], freshSlots(o, N));
        assertArrayEquals(w, stepped, 0.0);
    }

    /**
     * The normalized AdaGrad is left out: its accumulator starts at 0 (as Vowpal Wabbit's), so its
     * first step is ±lr whatever the gradient's size, and L2 alone can carry a weight past zero.
     */
    @ParameterizedTest
    @EnumSource(value = OptimizerKind.class, names = "NORMALIZED_ADAGRAD", mode = EnumSource.Mode.EXCLUDE)
    void l2AloneShrinksEveryWeightTowardZero(OptimizerKind kind) {
        Optimizer o = optimizer(kind);
        double[] w = random(new SplittableRandom(9), N, 1);
        double[] stepped = w.clone();
        o.step(o.stepSize(1), 1.0, 0.1, stepped, new double[N], freshSlots(o, N));
        for (int i = 0; i < N; i++) {
            assertTrue(Math.abs(stepped[i]) < Math.abs(w[i]), "weight " + i + ": " + w[i] + " -> " + stepped[i]);
        }
    }

    /** f(w) = ½‖w − c‖², gradient w − c: the first step lowers it, a thousand steps bring it below a tenth. */
    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void stepsDescendAQuadratic(OptimizerKind kind) {
        Optimizer o = OptimizerSpec.defaults(kind).withLearningRate(0.1).optimizer();
        SplittableRandom r = new SplittableRandom(11);
        double[] c = random(r, N, 2);
        double[] w = random(r, N, 2);
        double[][] slots = freshSlots(o, N);
        double[] grad = new double[N];
        double initial = quadratic(w, c);
        double afterFirst = Double.NaN;
        for (int t = 1; t <= 1000; t++) {
            for (int i = 0; i < N; i++) {
                grad[i] = w[i] - c[i];
            }
            o.step(o.stepSize(t), 1.0, 0.0, w, grad, slots);
            if (t == 1) {
                afterFirst = quadratic(w, c);
            }
        }
        assertTrue(afterFirst < initial, "first step: " + initial + " -> " + afterFirst);
        assertTrue(quadratic(w, c) < 0.1 * initial, "1000 steps: " + initial + " -> " + quadratic(w, c));
    }

    private static double quadratic(double[] w, double[] c) {
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += 0.5 * (w[i] - c[i]) * (w[i] - c[i]);
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void onlyAdamFoldsABiasCorrectionIntoTheStepSize(OptimizerKind kind) {
        Optimizer o = optimizer(kind);
        double lr = OptimizerSpec.defaults(kind).learningRate();
        if (o instanceof Adam a) {
            assertEquals(lr * Math.sqrt(1 - a.beta2()) / (1 - a.beta1()), o.stepSize(1), 0.0);
            assertEquals(lr, o.stepSize(100_000), 1e-12, "the correction fades");
        } else {
            assertEquals(lr, o.stepSize(1), 0.0);
            assertEquals(lr, o.stepSize(12_345), 0.0);
        }
    }

    /**
     * The bits of the per-kind switch these classes replaced, written out as it was (values stored
     * to the next arrays and read back): moving a formula into its class must not reorder a single
     * operation.
     */
    @ParameterizedTest
    @EnumSource(value = OptimizerKind.class, names = "NORMALIZED_ADAGRAD", mode = EnumSource.Mode.EXCLUDE)
    void sameBitsAsTheSwitchItReplaced(OptimizerKind kind) {
        OptimizerSpec spec = OptimizerSpec.defaults(kind);
        Optimizer o = spec.optimizer();
        SplittableRandom r = new SplittableRandom(17);
        for (double l2 : new double[] {0.0, 1e-3}) {
            for (long t : new long[] {1, 2, 37}) {
                double[] w = random(r, N, 3);
                for (int i = 0; i < N; i += 2) {
                    w[i] = 0.0; // else w − step rounds away a last-bit difference in the step
                }
                double[] grad = random(r, N, 10);
                double[][] slots = freshSlots(o, N);
                for (double[] s : slots) {
                    for (int i = 0; i < N; i++) {
                        s[i] += Math.abs(r.nextGaussian()) * 0.1; // v and accumulators stay ≥ 0, as they do
                    }
                }
                double scale = 1.0 / 3;
                double[] expectedW = new double[N];
                double[][] expectedSlots = new double[o.slots()][N];
                double lrT = spec.learningRate();
                if (kind == OptimizerKind.ADAM) {
                    lrT = spec.learningRate() * Math.sqrt(1 - Math.pow(spec.beta2(), t)) / (1 - Math.pow(spec.beta1(), t));
                }
                replacedSwitch(spec, lrT, scale, l2, w, grad.clone(), slots, expectedW, expectedSlots);
                o.step(o.stepSize(t), scale, l2, w, grad, slots);
                assertArrayEquals(bits(expectedW), bits(w), kind + " weights, l2 " + l2 + ", t " + t);
                for (int k = 0; k < o.slots(); k++) {
                    assertArrayEquals(bits(expectedSlots[k]), bits(slots[k]), kind + " slot " + k);
                }
            }
        }
    }

    private static long[] bits(double[] a) {
        long[] b = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Double.doubleToRawLongBits(a[i]);
        }
        return b;
    }

    @SuppressWarnings("DuplicatedCode")
    private static void replacedSwitch(OptimizerSpec o, double lrT, double scale, double l2, double[] w, double[] grad,
                                       double[][] slots, double[] wNext, double[][] slotsNext) {
        double lr = o.learningRate();
        int n = w.length;
        for (int i = 0; i < n; i++) {
            double g = grad[i] * scale;
            if (l2 != 0) {
                g += l2 * w[i];
            }
            switch (o.kind()) {
                case SGD -> wNext[i] = w[i] - lr * g;
                case MOMENTUM -> {
                    slotsNext[0][i] = o.momentum() * slots[0][i] - lr * g;
                    wNext[i] = w[i] + slotsNext[0][i];
                }
                case ADAGRAD -> {
                    slotsNext[0][i] = slots[0][i] + g * g;
                    wNext[i] = w[i] - lr * g / Math.sqrt(slotsNext[0][i] + o.epsilon());
                }
                case RMSPROP -> {
                    slotsNext[0][i] = o.rho() * slots[0][i] + (1 - o.rho()) * g * g;
                    wNext[i] = w[i] - lr * g / Math.sqrt(slotsNext[0][i] + o.epsilon());
                }
                case ADAM -> {
                    slotsNext[0][i] = o.beta1() * slots[0][i] + (1 - o.beta1()) * g;
                    slotsNext[1][i] = o.beta2() * slots[1][i] + (1 - o.beta2()) * g * g;
                    wNext[i] = w[i] - lrT * slotsNext[0][i] / (Math.sqrt(slotsNext[1][i]) + o.epsilon());
                }
            }
        }
    }

    /** A step allocates nothing: measured with the JVM's per-thread counter, as {@link AllocationTest} does. */
    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void aStepAllocatesNothing(OptimizerKind kind) {
        var plain = ManagementFactory.getThreadMXBean();
        assumeTrue(plain instanceof com.sun.management.ThreadMXBean, "no allocation counter on this JVM");
        var bean = (com.sun.management.ThreadMXBean) plain;
        assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
        Optimizer o = optimizer(kind);
        SplittableRandom r = new SplittableRandom(23);
        double[] w = random(r, N, 1);
        double[] grad = new double[N];
        double[][] slots = freshSlots(o, N);
        long thread = Thread.currentThread().getId();
        steps(o, w, grad, slots); // warm up: compilation
        long before = bean.getThreadAllocatedBytes(thread);
        double sink = steps(o, w, grad, slots);
        long allocated = bean.getThreadAllocatedBytes(thread) - before;
        assertTrue(Double.isFinite(sink));
        assertTrue(allocated < 4096, kind + " allocated " + allocated + " bytes in 20,000 steps");
    }

    private static double steps(Optimizer o, double[] w, double[] grad, double[][] slots) {
        double sink = 0;
        for (int t = 1; t <= 20_000; t++) {
            grad[t % N] = 0.01;
            o.step(o.stepSize(t), 1.0, 1e-4, w, grad, slots);
            sink += w[t % N];
        }
        return sink;
    }
}

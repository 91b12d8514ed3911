package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An update that would leave a weight, a bias or an optimizer state NaN or infinite is refused:
 * nothing changes, bit for bit, its batch is gone, the counters say so, and the next finite
 * update is applied exactly as if the refused one had never been offered.
 */
class NonFiniteUpdateTest {
    /** Finite, so validation lets it through, yet δ·x overflows: 0.42e200 × 0.75e200 is +Inf. */
    private static final double[] HUGE = {1e200, 1e200};
    private static final double[] TARGET = {0.0};

    /** relu(2 → 3) → linear(1), squared error, L2 on: every layer and the L2 term are in the step. */
    private static Network net(OptimizerKind kind) {
        ModelSpec spec = new ModelSpec(2, List.of(new LayerSpec(3, Activation.RELU), new LayerSpec(1, Activation.LINEAR)),
                LossKind.SQUARED_ERROR, OptimizerSpec.defaults(kind), 1e-4, 1L);
        Network n = Network.withWeights(spec,
                new double[][] {{0.5, 0.25, -0.5, 0.1, 0.3, 0.3}, {0.4, -0.3, 0.2}},
                new double[][] {{0.01, 0.02, 0.03}, {0.05}});
        // A few ordinary steps first, so that every optimizer slot holds something to keep.
        Random r = new Random(7);
        for (int i = 0; i < 5; i++) {
            n.learnOne(new double[] {r.nextDouble(), r.nextDouble()}, new double[] {r.nextDouble()});
        }
        return n;
    }

    /**
     * The normalized AdaGrad is left out: it scales a weight down by the new input's size before
     * it steps, so these huge inputs do not overflow it (its refusals: {@link NormalizedAdaGradTest}).
     */
    @ParameterizedTest
    @EnumSource(value = OptimizerKind.class, names = "NORMALIZED_ADAGRAD", mode = EnumSource.Mode.EXCLUDE)
    void aSingleExampleWhoseGradientOverflowsIsRefused(OptimizerKind kind) {
        Network n = net(kind);
        assertNonZeroSlots(n);
        Network before = n.copy();

        n.learnOne(HUGE, TARGET);

        assertSameState(before, n);
        assertEquals(before.updatesApplied(), n.updatesApplied(), "a refused update is not applied");
        assertEquals(1, n.updatesRefused());
        assertEquals(0, n.pendingCount());
        assertTrue(n.isFinite());
        learnsOnAsIfNothingHappened(before, n);
    }

    /** The normalized AdaGrad is left out, as above. */
    @ParameterizedTest
    @EnumSource(value = OptimizerKind.class, names = "NORMALIZED_ADAGRAD", mode = EnumSource.Mode.EXCLUDE)
    void aBatchWithOneOverflowingExampleIsDroppedWhole(OptimizerKind kind) {
        Network n = net(kind);
        Network before = n.copy();

        n.accumulate(new double[] {0.2, 0.4}, TARGET);
        n.accumulate(HUGE, TARGET);
        n.accumulate(new double[] {0.3, -0.1}, TARGET);
        assertEquals(3, n.pendingCount());

        assertFalse(n.applyUpdate(), "refused");
        assertSameState(before, n);
        assertEquals(before.updatesApplied(), n.updatesApplied());
        assertEquals(1, n.updatesRefused());
        assertEquals(0, n.pendingCount(), "the batch is consumed");
        for (int l = 0; l < n.layerCount(); l++) {
            assertAllZero(n.pendingWeightGradient(l), "pending weight gradient of layer " + l);
            assertAllZero(n.pendingBiasGradient(l), "pending bias gradient of layer " + l);
        }
        assertFalse(n.applyUpdate(), "nothing left to apply");
        assertEquals(1, n.updatesRefused(), "an empty batch is neither applied nor refused");
        learnsOnAsIfNothingHappened(before, n);
    }

    /**
     * g = 1e200 is finite, g² is not: AdaGrad, RMSProp and Adam would keep an infinite accumulator
     * (Adam's weight itself would even stay finite: m / √∞ = 0), so they refuse. SGD and momentum
     * keep no square: their step, huge but finite, is applied.
     */
    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void aFiniteGradientWhoseSquareOverflowsIsRefusedByTheOptimizersThatKeepIt(OptimizerKind kind) {
        ModelSpec spec = new ModelSpec(1, List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.SQUARED_ERROR,
                OptimizerSpec.defaults(kind), 0.0, 1L);
        Network n = Network.withWeights(spec, new double[][] {{1}}, new double[][] {{0}});
        Network before = n.copy();
        n.accumulate(new double[] {1e100}, TARGET);
        assertEquals(1e200, n.pendingWeightGradient(0)[0], 1e186, "a finite gradient");

        boolean keepsSquares = kind == OptimizerKind.ADAGRAD || kind == OptimizerKind.RMSPROP || kind == OptimizerKind.ADAM
                || kind == OptimizerKind.NORMALIZED_ADAGRAD;
        assertEquals(!keepsSquares, n.applyUpdate());
        assertEquals(keepsSquares ? 1 : 0, n.updatesRefused());
        assertEquals(keepsSquares ? 0 : 1, n.updatesApplied());
        assertTrue(n.isFinite());
        if (keepsSquares) {
            assertSameState(before, n);
        } else {
            assertNotEquals(before.weights(0)[0], n.weights(0)[0]);
        }
    }

    /** A finite gradient whose step overflows: w − lr·g = 1e307 − 100·1e307 is −Inf. Both SGD paths refuse it. */
    @Test
    void aStepThatOverflowsIsRefusedOnBothSgdPaths() {
        ModelSpec spec = new ModelSpec(1, List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.SQUARED_ERROR,
                OptimizerSpec.defaults(OptimizerKind.SGD).withLearningRate(100), 0.0, 1L);
        Network single = Network.withWeights(spec, new double[][] {{1e307}}, new double[][] {{0}});
        Network batch = single.copy();
        Network before = single.copy();

        single.learnOne(new double[] {1}, TARGET); // one example, no open batch: the one-pass SGD step
        batch.accumulate(new double[] {1}, TARGET);
        assertFalse(batch.applyUpdate());

        for (Network n : List.of(single, batch)) {
            assertSameState(before, n);
            assertEquals(1, n.updatesRefused());
            assertEquals(0, n.updatesApplied());
        }
    }

    @Test
    void theRefusedCountIsCopiedRestoredAndKeptByACounterOnlyRestore() {
        Network n = net(OptimizerKind.ADAM);
        n.learnOne(HUGE, TARGET);
        n.learnOne(HUGE, TARGET);
        assertEquals(2, n.copy().updatesRefused());

        Network restored = Network.initialize(n.spec());
        restored.restoreState(n.updatesApplied(), 0, n.updatesRefused());
        assertEquals(2, restored.updatesRefused());
        restored.restoreState(9, 0);
        assertEquals(2, restored.updatesRefused(), "restoring the other counters keeps it");
        assertThrows(IllegalArgumentException.class, () -> restored.restoreState(0, 0, -1));
    }

    @Test
    void isFiniteSeesANonFiniteValueInAnyArray() {
        for (int l = 0; l < 2; l++) {
            for (int which = 0; which < 4; which++) {
                Network n = net(OptimizerKind.ADAM);
                assertTrue(n.isFinite());
                double[] a = switch (which) {
                    case 0 -> n.weights(l);
                    case 1 -> n.biases(l);
                    case 2 -> n.slot(l, false, 1);
                    default -> n.slot(l, true, 0);
                };
                a[a.length - 1] = which % 2 == 0 ? Double.NaN : Double.NEGATIVE_INFINITY;
                assertFalse(n.isFinite(), "layer " + l + ", array " + which);
            }
        }
    }

    /**
     * The same finite example, learned by the refusing network and by a copy taken before the
     * refusal, gives the same bits: no trace of the refused update (Adam's step count included).
     */
    private static void learnsOnAsIfNothingHappened(Network before, Network n) {
        Network reference = before.copy();
        double[] x = {0.3, 0.6};
        double[] t = {0.5};
        n.learnOne(x, t);
        reference.learnOne(x, t);
        assertEquals(before.updatesApplied() + 1, n.updatesApplied(), "the next finite update is applied");
        assertSameState(reference, n);
        assertNotEquals(before.weights(1)[0], n.weights(1)[0], "and it moved the weights");
    }

    private static void assertNonZeroSlots(Network n) {
        for (int l = 0; l < n.layerCount(); l++) {
            for (int s = 0; s < n.slotCount(); s++) {
                double[] slot = n.slot(l, false, s);
                assertTrue(java.util.Arrays.stream(slot).anyMatch(v -> v != 0), "slot " + s + " of layer " + l + " is used");
            }
        }
    }

    private static void assertSameState(Network expected, Network actual) {
        for (int l = 0; l < expected.layerCount(); l++) {
            assertBits(expected.weights(l), actual.weights(l), "weights of layer " + l);
            assertBits(expected.biases(l), actual.biases(l), "biases of layer " + l);
            for (int s = 0; s < expected.slotCount(); s++) {
                assertBits(expected.slot(l, false, s), actual.slot(l, false, s), "weight slot " + s + " of layer " + l);
                assertBits(expected.slot(l, true, s), actual.slot(l, true, s), "bias slot " + s + " of layer " + l);
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

    private static void assertAllZero(double[] values, String what) {
        for (int i = 0; i < values.length; i++) {
            assertEquals(0L, Double.doubleToRawLongBits(values[i]), what + "[" + i + "] is +0.0");
        }
    }
}

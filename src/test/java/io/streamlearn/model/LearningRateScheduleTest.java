package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamlearn.model.optim.LearningRateSchedule;
import io.streamlearn.model.optim.LearningRateSchedule.Kind;
import io.streamlearn.model.optim.Optimizer;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Learning-rate schedules: the formulas, inside every optimizer, and constant changing no bit. */
class LearningRateScheduleTest {

    @Test
    void ratesFollowTheirFormulas() {
        assertEquals(0.3, LearningRateSchedule.CONSTANT.rate(0.3, 12345), 0.0);
        LearningRateSchedule inv = new LearningRateSchedule(Kind.INVSCALING, 0.5, 1000, 0.5);
        assertEquals(0.3, inv.rate(0.3, 1), 0.0);
        assertEquals(0.15, inv.rate(0.3, 4), 1e-15);
        assertEquals(0.03, inv.rate(0.3, 100), 1e-15);
        LearningRateSchedule step = new LearningRateSchedule(Kind.STEP, 0.5, 10, 0.5);
        assertEquals(0.4, step.rate(0.4, 10), 0.0, "updates 1..10 at the base rate");
        assertEquals(0.2, step.rate(0.4, 11), 0.0);
        assertEquals(0.1, step.rate(0.4, 21), 0.0);
        LearningRateSchedule exp = new LearningRateSchedule(Kind.EXPONENTIAL, 0.5, 10, 0.5);
        assertEquals(0.4, exp.rate(0.4, 1), 0.0);
        assertEquals(0.4 * Math.pow(0.5, 0.5), exp.rate(0.4, 6), 1e-15);
        assertEquals(0.2, exp.rate(0.4, 11), 1e-15);
    }

    @Test
    void badParametersAreNamed() {
        assertEquals(3, new LearningRateSchedule(Kind.STEP, 2, 0, 1.5).problems().size());
        List<String> p = ModelSpec.problems(2, List.of(new LayerSpec(1, Activation.SIGMOID)), LossKind.BINARY_CROSS_ENTROPY,
                OptimizerSpec.defaults(OptimizerKind.SGD).withSchedule(new LearningRateSchedule(Kind.STEP, 0.5, 0, 0.5)), 0);
        assertEquals(List.of("schedule: decaySteps must be at least 1, got 0"), p);
    }

    /** A constant schedule is the optimizer as it was: the rate itself, and Adam's correction on it. */
    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void everyOptimizerTakesItsRateFromTheSchedule(OptimizerKind kind) {
        OptimizerSpec spec = OptimizerSpec.defaults(kind).withLearningRate(0.2);
        Optimizer constant = spec.optimizer();
        Optimizer inv = spec.withSchedule(LearningRateSchedule.of(Kind.INVSCALING)).optimizer();
        for (long t : new long[] {1, 4, 100}) {
            double correction = constant.stepSize(t) / 0.2;
            if (kind != OptimizerKind.ADAM) {
                assertEquals(0.2, constant.stepSize(t), 0.0);
            }
            assertEquals(0.2 / Math.sqrt(t) * correction, inv.stepSize(t), 1e-15, kind + " at t " + t);
        }
    }

    /** SGD on one linear unit, squared error: w ← w − (η₀ / √t)·(w·x − y)·x, on both SGD paths. */
    @Test
    void sgdStepsWithTheScheduledRateOnBothPaths() {
        ModelSpec spec = new ModelSpec(1, List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.SQUARED_ERROR,
                OptimizerSpec.defaults(OptimizerKind.SGD).withLearningRate(0.5)
                        .withSchedule(LearningRateSchedule.of(Kind.INVSCALING)), 0, 1L);
        Network single = Network.withWeights(spec, new double[][] {{0}}, new double[][] {{0}});
        Network batch = single.copy();
        double w = 0;
        double b = 0;
        for (int t = 1; t <= 5; t++) {
            double x = t;
            double y = 2 * t;
            double d = w * x + b - y;
            double rate = 0.5 / Math.sqrt(t);
            w -= rate * d * x;
            b -= rate * d;
            single.learnOne(new double[] {x}, new double[] {y});
            batch.accumulate(new double[] {x}, new double[] {y});
            batch.applyUpdate();
            assertEquals(w, single.weights(0)[0], 1e-12 * Math.abs(w), "one-pass SGD, t " + t);
            assertEquals(Double.doubleToRawLongBits(single.weights(0)[0]), Double.doubleToRawLongBits(batch.weights(0)[0]),
                    "both paths give the same bits");
        }
    }

    @Test
    void aDecayingRateAllocatesNothing() {
        var plain = ManagementFactory.getThreadMXBean();
        assumeTrue(plain instanceof com.sun.management.ThreadMXBean, "no allocation counter on this JVM");
        var bean = (com.sun.management.ThreadMXBean) plain;
        assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
        ModelSpec spec = new ModelSpec(4, List.of(new LayerSpec(3, Activation.TANH), new LayerSpec(1, Activation.SIGMOID)),
                LossKind.BINARY_CROSS_ENTROPY, OptimizerSpec.defaults(OptimizerKind.ADAM)
                .withSchedule(LearningRateSchedule.of(Kind.EXPONENTIAL)), 0, 1L, Scaling.STANDARD);
        Network n = Network.initialize(spec);
        double[] x = {1, 2, 3, 4};
        double[] y = {1};
        double[] out = new double[1];
        for (int i = 0; i < 20_000; i++) {
            n.predictForLearning(x, out);
            n.learnPredicted(y);
        }
        long thread = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 20_000; i++) {
            x[i & 3] = i % 7;
            n.predictForLearning(x, out);
            n.learnPredicted(y);
        }
        long allocated = bean.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes in 20,000 scaled, scheduled updates");
        assertFalse(Double.isNaN(out[0]));
    }
}

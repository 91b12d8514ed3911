package io.streamlearn.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.eval.Evaluation.Figures;
import io.streamlearn.eval.Evaluation.Output;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    private static void assertNotMeasured(Figures f) {
        assertTrue(Double.isNaN(f.accuracy()) && Double.isNaN(f.logLoss()) && Double.isNaN(f.mse()) && Double.isNaN(f.mae()),
                f.toString());
    }

    @Test
    void nothingIsMeasuredBeforeTheFirstExample() {
        Evaluation e = new Evaluation(true, Output.DISTRIBUTION, 3);
        assertNotMeasured(e.cumulative());
        assertNotMeasured(e.windowed());
        assertNotMeasured(e.fading());
        assertTrue(Double.isNaN(e.precision(0)) && Double.isNaN(e.recall(2)));
        assertTrue(Double.isNaN(e.lastError()));
    }

    @Test
    void aBinaryClassifierHasAccuracyLogLossAndPerClassFiguresButNoRegressionError() {
        Evaluation e = new Evaluation(true, Output.PROBABILITY, 1);
        e.recordClass(new double[] {0.9}, 1, 1);
        e.recordClass(new double[] {0.8}, 1, 0);
        e.recordClass(new double[] {0.3}, 0, 0);
        e.recordClass(new double[] {0.4}, 0, 1);
        assertEquals(0.5, e.accuracy());
        assertEquals((-Math.log(0.9) - Math.log(0.2) - Math.log(0.7) - Math.log(0.4)) / 4, e.logLoss(), 1e-15);
        assertTrue(Double.isNaN(e.mse()) && Double.isNaN(e.mae()), "no regression error for classes");
        assertEquals(2, e.classes());
        assertEquals(0.5, e.precision(1));
        assertEquals(0.5, e.recall(1));
        assertEquals(2, e.support(0));
        assertEquals(1.0, e.lastError(), "the last was wrong");
    }

    @Test
    void scoresWithoutProbabilitiesHaveNoLogLoss() {
        Evaluation e = new Evaluation(true, Output.SCORE, 1);
        e.recordClass(new double[] {1}, 1, 1);
        assertEquals(1.0, e.accuracy());
        assertTrue(Double.isNaN(e.logLoss()));
    }

    @Test
    void aRegressionHasMseAndMaeAndNoAccuracy() {
        Evaluation e = new Evaluation(false, Output.SCORE, 2);
        e.recordTarget(new double[] {1, 2}, new double[] {0, 4}, 0);
        e.recordTarget(new double[] {0, 0}, new double[] {1, 1}, 0);
        assertEquals((0.5 * (1 + 4) + 0.5 * (1 + 1)) / 2, e.mse());
        assertEquals((1.5 + 1) / 2, e.mae());
        assertTrue(Double.isNaN(e.accuracy()) && Double.isNaN(e.logLoss()));
        assertFalse(e.hasPerClass());
        assertThrows(IllegalStateException.class, () -> e.recordClass(new double[] {1, 2}, 0, 0));
        assertEquals(1.0, e.lastError());
    }

    @Test
    void oneHotVectorLabelsCountByArgmaxOthersOnlyByTheirError() {
        Evaluation e = new Evaluation(true, Output.DISTRIBUTION, 3);
        e.recordTarget(new double[] {0.7, 0.2, 0.1}, new double[] {1, 0, 0}, 0);
        e.recordTarget(new double[] {0.7, 0.2, 0.1}, new double[] {0, 1, 0}, 0);
        e.recordTarget(new double[] {0.2, 0.3, 0.5}, new double[] {0, 0.5, 0.5}, 2); // soft: no class
        assertEquals(2, e.classified());
        assertEquals(0.5, e.accuracy());
        assertEquals((-Math.log(0.7) - Math.log(0.2) - 0.5 * Math.log(0.3) - 0.5 * Math.log(0.5)) / 3, e.logLoss(), 1e-15);
        assertEquals(3, e.cumulative().examples());
        assertTrue(e.mse() > 0);
        assertEquals(1, e.support(1));
        assertEquals(0.0, e.recall(1));
    }

    @Test
    void windowedAndFadingFiguresFollowTheRecentExamples() {
        Evaluation e = new Evaluation(true, Output.PROBABILITY, 1, 10, 0.9);
        for (int i = 0; i < 100; i++) {
            e.recordClass(new double[] {0.9}, 1, 0); // wrong
        }
        for (int i = 0; i < 10; i++) {
            e.recordClass(new double[] {0.9}, 1, 1); // right
        }
        assertEquals(10.0 / 110, e.accuracy(), 1e-15);
        assertEquals(1.0, e.windowed().accuracy());
        assertEquals(10, e.windowed().examples());
        double fading = (1 - Math.pow(0.9, 10)) / (1 - Math.pow(0.9, 110));
        assertEquals(fading, e.fading().accuracy(), 1e-12);
        e.recordClass(new double[] {0.9}, 1, 0);
        assertEquals(0.9, e.windowed().accuracy(), 1e-15);
    }

    @Test
    void aRestoredEvaluationContinuesBitForBit() {
        SplittableRandom r = new SplittableRandom(3);
        Evaluation whole = new Evaluation(true, Output.DISTRIBUTION, 3, 50, 0.99);
        Evaluation first = new Evaluation(true, Output.DISTRIBUTION, 3, 50, 0.99);
        double[][] outs = new double[500][];
        int[] labels = new int[500];
        for (int i = 0; i < 500; i++) {
            double a = r.nextDouble();
            double b = r.nextDouble() * (1 - a);
            outs[i] = new double[] {a, b, 1 - a - b};
            labels[i] = r.nextInt(3);
        }
        for (int i = 0; i < 333; i++) {
            whole.recordClass(outs[i], i % 3, labels[i]);
            first.recordClass(outs[i], i % 3, labels[i]);
        }
        Evaluation restored = new Evaluation(true, Output.DISTRIBUTION, 3, 50, 0.99);
        restored.importState(first.exportCounters(), first.exportSums());
        for (int i = 333; i < 500; i++) {
            whole.recordClass(outs[i], i % 3, labels[i]);
            restored.recordClass(outs[i], i % 3, labels[i]);
        }
        assertArrayEquals(whole.exportCounters(), restored.exportCounters());
        assertArrayEquals(bits(whole.exportSums()), bits(restored.exportSums()));
        assertEquals(whole.windowed(), restored.windowed());
        assertThrows(IllegalArgumentException.class,
                () -> new Evaluation(true, Output.DISTRIBUTION, 4, 50, 0.99).importState(first.exportCounters(), first.exportSums()));
    }

    @Test
    void perClassFiguresAreBoundedByTheClassCount() {
        assertFalse(new Evaluation(true, Output.DISTRIBUTION, Evaluation.MAX_CLASSES + 1).hasPerClass());
        assertTrue(new Evaluation(true, Output.DISTRIBUTION, Evaluation.MAX_CLASSES).hasPerClass());
    }

    private static long[] bits(double[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }
}

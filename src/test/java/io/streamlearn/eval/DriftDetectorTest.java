package io.streamlearn.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ADWIN on a prequential error stream: a planted change is found soon after it, a steady stream raises nothing. */
class DriftDetectorTest {

    @Test
    void anAbruptRiseOfTheErrorIsADriftWithinABoundedDelay() {
        SplittableRandom r = new SplittableRandom(42);
        for (int run = 0; run < 20; run++) {
            DriftDetector d = new DriftDetector();
            long change = 5_000;
            long firstWarning = -1;
            long firstDrift = -1;
            for (long i = 1; i <= 10_000 && firstDrift < 0; i++) {
                double p = i <= change ? 0.2 : 0.5;
                DriftDetector.Signal s = d.update(r.nextDouble() < p ? 1 : 0);
                if (s != DriftDetector.Signal.NONE && i <= change) {
                    throw new AssertionError("run " + run + ": " + s + " at " + i + ", before the change");
                }
                if (s == DriftDetector.Signal.WARNING && firstWarning < 0) {
                    firstWarning = i;
                }
                if (s == DriftDetector.Signal.DRIFT) {
                    firstDrift = i;
                }
            }
            assertTrue(firstDrift > change && firstDrift - change <= 300,
                    "run " + run + ": drift " + (firstDrift - change) + " examples after the change");
            assertTrue(firstWarning < 0 || firstWarning <= firstDrift, "warns no later than it drifts");
        }
    }

    @Test
    void aGradualRiseOfARegressionErrorIsFound() {
        SplittableRandom r = new SplittableRandom(3);
        DriftDetector d = new DriftDetector();
        long found = -1;
        for (long i = 1; i <= 20_000 && found < 0; i++) {
            double scale = i <= 10_000 ? 1.0 : 1.0 + (i - 10_000) / 1000.0; // the absolute error grows
            if (d.update(Math.abs(r.nextGaussian()) * scale) == DriftDetector.Signal.DRIFT) {
                found = i;
            }
        }
        assertTrue(found > 10_000 && found < 12_000, "found at " + found);
    }

    @Test
    void aStationaryStreamRaisesNoDriftIn100kExamples() {
        for (double p : new double[] {0.05, 0.2, 0.5}) {
            SplittableRandom r = new SplittableRandom(7);
            DriftDetector d = new DriftDetector();
            for (int i = 0; i < 100_000; i++) {
                d.update(r.nextDouble() < p ? 1 : 0);
            }
            assertEquals(0, d.drifts(), "error rate " + p);
            assertTrue(d.warnings() <= 2, "error rate " + p + ": " + d.warnings() + " warnings");
            assertEquals(p, d.error(), 0.02);
        }
    }

    @Test
    void aFallingErrorIsNotADrift() {
        SplittableRandom r = new SplittableRandom(11);
        DriftDetector d = new DriftDetector();
        for (int i = 1; i <= 10_000; i++) {
            d.update(r.nextDouble() < (i <= 5_000 ? 0.5 : 0.1) ? 1 : 0);
        }
        assertEquals(0, d.drifts());
        assertTrue(d.driftWindow().detections() > 0, "the window did forget the old error");
        assertEquals(0.1, d.error(), 0.03);
    }

    @Test
    void aRestoredDetectorContinuesBitForBit() {
        SplittableRandom r = new SplittableRandom(5);
        double[] errors = new double[20_000];
        for (int i = 0; i < errors.length; i++) {
            errors[i] = r.nextDouble() < (i < 8_000 ? 0.1 : 0.4) ? 1 : 0;
        }
        DriftDetector whole = new DriftDetector();
        DriftDetector first = new DriftDetector();
        for (int i = 0; i < 7_777; i++) {
            whole.update(errors[i]);
            first.update(errors[i]);
        }
        DriftDetector restored = new DriftDetector();
        restored.importCounters(first.exportCounters());
        restored.warningWindow().importState(first.warningWindow().exportCounters(), first.warningWindow().exportSums());
        restored.driftWindow().importState(first.driftWindow().exportCounters(), first.driftWindow().exportSums());
        for (int i = 7_777; i < errors.length; i++) {
            assertEquals(whole.update(errors[i]), restored.update(errors[i]), "example " + i);
        }
        assertTrue(whole.drifts() > 0);
        assertArrayEquals(whole.exportCounters(), restored.exportCounters());
        for (Adwin[] pair : new Adwin[][] {{whole.driftWindow(), restored.driftWindow()},
                {whole.warningWindow(), restored.warningWindow()}}) {
            assertArrayEquals(pair[0].exportCounters(), pair[1].exportCounters());
            assertArrayEquals(bits(pair[0].exportSums()), bits(pair[1].exportSums()));
        }
    }

    @Test
    void theWindowsStatisticsAreThoseOfItsValues() {
        Adwin a = new Adwin(0.002);
        SplittableRandom r = new SplittableRandom(1);
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < 1000; i++) {
            double x = r.nextDouble();
            a.update(x);
            sum += x;
            sq += x * x;
        }
        assertEquals(1000, a.width());
        assertEquals(sum / 1000, a.mean(), 1e-12);
        assertEquals(sq / 1000 - (sum / 1000) * (sum / 1000), a.variance(), 1e-9);
        assertTrue(a.exportCounters()[3] <= 10, "about log2(1000 / 5) rows");
    }

    private static long[] bits(double[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }
}

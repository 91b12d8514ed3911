package io.streamlearn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The field's benchmark streams: their concepts, noise and drift, and the same rows for the same seed. */
class BenchmarkStreamsTest {

    @Test
    void seaFlipsTenPercentAndChangesItsThresholdEvery12500() {
        SeaConcepts sea = SeaConcepts.benchmark(1);
        int flipped = 0;
        for (long t = 0; t < 50_000; t++) {
            LabeledRow r = sea.next();
            int clean = r.features()[0] + r.features()[1] <= sea.threshold(t) ? 1 : 0;
            flipped += clean != r.label() ? 1 : 0;
        }
        assertEquals(0.10, flipped / 50_000.0, 0.005);
        assertEquals(8.0, sea.threshold(0));
        assertEquals(9.0, sea.threshold(12_500));
        assertEquals(7.0, sea.threshold(25_000));
        assertEquals(9.5, sea.threshold(37_500));
    }

    @Test
    void theHyperplaneIsBalancedNoisyAndReproducible() {
        RotatingHyperplane a = RotatingHyperplane.benchmark(3);
        RotatingHyperplane b = RotatingHyperplane.benchmark(3);
        int ones = 0;
        for (int i = 0; i < 20_000; i++) {
            LabeledRow r = a.next();
            LabeledRow s = b.next();
            assertEquals(r.label(), s.label());
            assertEquals(10, r.features().length);
            for (double x : r.features()) {
                assertTrue(x >= 0 && x < 1);
            }
            ones += r.label();
        }
        assertEquals(0.5, ones / 20_000.0, 0.05);
    }
}

package io.streamlearn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class FeatureScalerTest {

    private static double[][] rows(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = (j + 1) * 1000 * r.nextDouble() - j * 7.5; // ranges that differ by orders of magnitude
            }
        }
        return x;
    }

    private static double twoPassMean(double[][] x, int j) {
        double mean = 0;
        for (double[] row : x) {
            mean += row[j];
        }
        return mean / x.length;
    }

    /** Population variance of column j, from the mean computed first: the textbook two passes. */
    private static double twoPassVariance(double[][] x, int j) {
        double mean = twoPassMean(x, j);
        double var = 0;
        for (double[] row : x) {
            var += (row[j] - mean) * (row[j] - mean);
        }
        return var / x.length;
    }

    private static long[] bits(double[] v) {
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }

    @ParameterizedTest
    @EnumSource(value = Scaling.class, names = {"STANDARD", "MINMAX"})
    void aRestoredScalerContinuesBitForBit(Scaling kind) {
        double[][] x = rows(300, 5, 7);
        FeatureScaler whole = new FeatureScaler(kind, 5);
        FeatureScaler first = new FeatureScaler(kind, 5);
        for (int i = 0; i < 170; i++) {
            whole.learn(x[i]);
            first.learn(x[i]);
        }
        long count = first.count();
        double[] state = first.exportState();
        FeatureScaler restored = new FeatureScaler(kind, 5);
        restored.importState(count, state);
        double[] a = new double[5];
        double[] b = new double[5];
        for (int i = 170; i < 300; i++) {
            whole.learn(x[i]);
            restored.learn(x[i]);
            whole.transform(x[i], a);
            restored.transform(x[i], b);
            assertArrayEquals(bits(a), bits(b), "row " + i);
        }
        assertEquals(whole.count(), restored.count());
        assertArrayEquals(bits(whole.exportState()), bits(restored.exportState()));
    }

    @Test
    void standardScalingMatchesTwoPassMeanAndPopulationVariance() {
        double[][] x = rows(1000, 3, 11);
        FeatureScaler s = new FeatureScaler(Scaling.STANDARD, 3);
        for (double[] row : x) {
            s.learn(row);
        }
        for (int j = 0; j < 3; j++) {
            double mean = twoPassMean(x, j);
            double var = twoPassVariance(x, j);
            assertEquals(mean, s.mean(j), 1e-9 * Math.abs(mean));
            assertEquals(var, s.variance(j), 1e-9 * var);
        }
        double[] out = new double[3];
        s.transform(new double[] {s.mean(0), s.mean(1) + Math.sqrt(s.variance(1)), s.mean(2) - 2 * Math.sqrt(s.variance(2))}, out);
        assertArrayEquals(new double[] {0, 1, -2}, out, 1e-12);
    }

    /**
     * Data-parallel replicas each learn a share of the examples; the merged statistics must be those of
     * all of them, however they were split (uneven shares, one of a single row, an empty one), as a
     * direct two-pass computation over every row gives them.
     */
    @Test
    void mergedStatisticsOfSharesAreThoseOfEveryExample() {
        double[][] x = rows(1000, 3, 13);
        int[] ends = {1, 1, 400, 730, 1000}; // shares [0,1), [1,1) empty, [1,400), [400,730), [730,1000)
        FeatureScaler merged = new FeatureScaler(Scaling.STANDARD, 3);
        FeatureScaler minMax = new FeatureScaler(Scaling.MINMAX, 3);
        int from = 0;
        for (int end : ends) {
            FeatureScaler share = new FeatureScaler(Scaling.STANDARD, 3);
            for (int i = from; i < end; i++) {
                share.learn(x[i]);
            }
            assertTrue(merged.merge(ScalerStatistics.of(share)));
            assertTrue(minMax.merge(ScalerStatistics.of(share)));
            from = end;
        }
        assertEquals(1000, merged.count());
        for (int j = 0; j < 3; j++) {
            double mean = twoPassMean(x, j);
            double var = twoPassVariance(x, j);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double[] row : x) {
                min = Math.min(min, row[j]);
                max = Math.max(max, row[j]);
            }
            assertEquals(mean, merged.mean(j), 1e-12 * Math.abs(mean));
            assertEquals(var, merged.variance(j), 1e-12 * var);
            assertEquals(min, minMax.min(j), 0.0);
            assertEquals(max, minMax.max(j), 0.0);
        }
        double[] out = new double[3];
        merged.transform(new double[] {merged.mean(0), merged.mean(1) + Math.sqrt(merged.variance(1)), 0}, out);
        assertEquals(0.0, out[0], 1e-12);
        assertEquals(1.0, out[1], 1e-12, "the factors follow the merged variance");
    }

    @Test
    void statisticsThatWouldOverflowAreNotMerged() {
        FeatureScaler s = new FeatureScaler(Scaling.STANDARD, 1);
        s.learn(new double[] {1});
        s.learn(new double[] {3});
        double[] before = s.exportState();
        assertFalse(s.merge(new ScalerStatistics(2, new double[] {1e300, 1e300, 1e300, 1e300})));
        assertEquals(2, s.count());
        assertArrayEquals(bits(before), bits(s.exportState()));
        assertThrows(IllegalArgumentException.class, () -> s.merge(new ScalerStatistics(1, new double[] {1, 0})));
        assertTrue(s.merge(ScalerStatistics.NONE), "no examples: nothing to add, whatever the length");
        assertEquals(2, s.count());
    }

    @Test
    void minMaxMapsTheSeenRangeToTheUnitInterval() {
        FeatureScaler s = new FeatureScaler(Scaling.MINMAX, 2);
        s.learn(new double[] {10, -1});
        s.learn(new double[] {30, 1});
        s.learn(new double[] {20, 0});
        double[] out = new double[2];
        s.transform(new double[] {30, -1}, out);
        assertArrayEquals(new double[] {1, 0}, out, 0.0);
        s.transform(new double[] {40, 0}, out);
        assertArrayEquals(new double[] {1.5, 0.5}, out, 0.0);
    }

    @Test
    void aFeatureThatHasNotVariedScalesToZero() {
        FeatureScaler s = new FeatureScaler(Scaling.STANDARD, 2);
        double[] out = {9, 9};
        s.transform(new double[] {5, 6}, out);
        assertArrayEquals(new double[] {0, 0}, out, 0.0, "nothing learned yet");
        s.learn(new double[] {5, 6});
        s.learn(new double[] {5, 8});
        s.transform(new double[] {7, 8}, out);
        assertArrayEquals(new double[] {0, 1}, out, 0.0);
    }

    @Test
    void anExampleThatWouldOverflowTheStatisticsIsNotLearned() {
        FeatureScaler s = new FeatureScaler(Scaling.STANDARD, 2);
        s.learn(new double[] {1, 2});
        double[] before = s.exportState();
        assertFalse(s.learn(new double[] {1, 1e300}));
        assertEquals(1, s.count());
        assertArrayEquals(bits(before), bits(s.exportState()));
    }

    @Test
    void importRefusesAStateOfTheWrongShape() {
        FeatureScaler s = new FeatureScaler(Scaling.STANDARD, 2);
        assertThrows(IllegalArgumentException.class, () -> s.importState(1, new double[7]));
        assertThrows(IllegalArgumentException.class, () -> s.importState(-1, new double[8]));
    }

    @Test
    void theNetworkScalesInEveryForwardPassAndLearnsStatisticsOnlyWhenLearning() {
        ModelSpec spec = new ModelSpec(2, List.of(new LayerSpec(1, Activation.SIGMOID)), LossKind.BINARY_CROSS_ENTROPY,
                OptimizerSpec.defaults(OptimizerKind.ADAM), 0, 3L, Scaling.STANDARD);
        Network n = Network.initialize(spec);
        double[] out = new double[1];
        n.predict(new double[] {100, 2000}, out);
        assertEquals(0, n.scaler().count(), "predicting changes nothing");
        n.learnOne(new double[] {100, 2000}, 1);
        n.learnOne(new double[] {200, 1000}, 0);
        assertEquals(2, n.scaler().count());
        Network copy = n.copy();
        double[] a = new double[1];
        double[] b = new double[1];
        n.predict(new double[] {150, 1700}, a);
        copy.predict(new double[] {150, 1700}, b);
        assertEquals(Double.doubleToRawLongBits(a[0]), Double.doubleToRawLongBits(b[0]), "a copy scales alike");
        n.predict(new double[] {150, 1700}, out);
        assertThrows(IllegalStateException.class, () -> n.learnPredicted(new double[] {1}),
                "a prediction for scoring cannot be learned: its features are not in the statistics");
        n.predictForLearning(new double[] {150, 1700}, out);
        n.learnPredicted(new double[] {1});
        assertEquals(3, n.scaler().count());
    }

    @Test
    void scaledFeaturesThatDifferByAFactorGiveTheSameModel() {
        // standard scaling is invariant to a positive factor on a feature: the network learns the same weights
        ModelSpec spec = new ModelSpec(2, List.of(new LayerSpec(1, Activation.SIGMOID)), LossKind.BINARY_CROSS_ENTROPY,
                OptimizerSpec.defaults(OptimizerKind.SGD), 0, 3L, Scaling.STANDARD);
        Network a = Network.initialize(spec);
        Network b = Network.initialize(spec);
        double[][] x = rows(200, 2, 5);
        for (double[] row : x) {
            int y = row[0] + row[1] > 1000 ? 1 : 0;
            a.learnOne(row, y);
            b.learnOne(new double[] {row[0] * 1024, row[1]}, y);
        }
        assertArrayEquals(a.weights(0), b.weights(0), 1e-9);
    }
}

package io.streamlearn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchMediansTest {

    private static BenchResult row(int round, String g, String w, double rate, double ratio) {
        return new BenchResult(round, g, w, 1000, 1000 / rate, rate, ratio, 60, 700);
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, BenchMedians.median(new double[] {3, 1, 2}));
        assertEquals(2.5, BenchMedians.median(new double[] {4, 1, 3, 2}));
        assertEquals(7.0, BenchMedians.median(new double[] {7}));
        assertEquals(Double.NaN, BenchMedians.median(new double[0]));
    }

    @Test
    void throughputRowsKeepTheirOrderAndEveryRoundsRatio() {
        List<BenchResult> results = List.of(
                row(1, "at_least_once", "pass-through", 100, 1.0), row(1, "at_least_once", "score", 80, 0.8),
                row(2, "at_least_once", "pass-through", 120, 1.0), row(2, "at_least_once", "score", 114, 0.95),
                row(3, "at_least_once", "pass-through", 90, 1.0), row(3, "at_least_once", "score", 63, 0.7));
        List<BenchMedians.Throughput> m = BenchMedians.throughput(results);
        assertEquals(2, m.size());
        assertEquals("pass-through", m.get(0).workload());
        assertEquals(100, m.get(0).recordsPerSecond());
        BenchMedians.Throughput score = m.get(1);
        assertEquals(3, score.rounds());
        assertEquals(80, score.recordsPerSecond());
        assertEquals(0.8, score.ratioToPassThrough());
        assertEquals(List.of(0.8, 0.95, 0.7), score.ratios());
    }

    @Test
    void latencyRowsAreKeyedByWorkloadAndRate() {
        List<LatencyResult> results = List.of(
                new LatencyResult(1, "exactly_once_v2", "score", 5000, 50000, 60, 117, 180, 4.5, 16),
                new LatencyResult(1, "exactly_once_v2", "score", 0, 100000, 300, 500, 510, 7, 20),
                new LatencyResult(2, "exactly_once_v2", "score", 5000, 50000, 62, 113, 150, 4.1, 18),
                new LatencyResult(2, "exactly_once_v2", "score", 0, 100000, 280, 450, 460, 7, 22));
        List<BenchMedians.Latency> m = BenchMedians.latency(results);
        assertEquals(2, m.size());
        assertEquals(5000, m.get(0).offeredRate());
        assertEquals(115, m.get(0).p99Ms());
        assertEquals(61, m.get(0).p50Ms());
        assertEquals(17, m.get(0).commitMaxMs());
        assertEquals(List.of(117.0, 113.0), m.get(0).p99s());
        assertEquals(475, m.get(1).p99Ms());
    }
}

package io.streamlearn.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Medians over the rounds of one bench run, row by row. Runs on a small machine vary by a quarter
 * from one to the next; a figure worth quoting is a median, shown with the rounds it came from.
 */
public final class BenchMedians {
    private BenchMedians() {
    }

    /** A workload's throughput: the medians, and the ratio of every round in order. */
    public record Throughput(String guarantee, String workload, int rounds, double recordsPerSecond,
                             double ratioToPassThrough, List<Double> ratios) {
    }

    /** A workload's latency at one offered rate: the medians, and the p99 of every round in order. */
    public record Latency(String guarantee, String workload, double offeredRate, int rounds, double p50Ms,
                          double p99Ms, double maxMs, double commitMaxMs, List<Double> p99s) {
    }

    /**
     * A separate-process row over its pairs: medians of each process's start-up (launch to first
     * commit), of the learner's start-up minus the pass-through's in the same pair, and of the ratios.
     */
    public record Outside(String guarantee, String workload, int pairs, double passThroughFirstCommit,
                          double learnerFirstCommit, double startUpGap, double ratioFromStart, double ratioAfterFirstCommit,
                          List<Double> ratios) {
    }

    public static List<Outside> outside(List<OutsideResult> results) {
        List<Outside> out = new ArrayList<>();
        for (List<OutsideResult> row : rows(results, r -> r.guarantee() + "\u0000" + r.workload())) {
            OutsideResult first = row.get(0);
            List<Double> ratios = row.stream().map(OutsideResult::ratioFromStart).toList();
            out.add(new Outside(first.guarantee(), first.workload(), row.size(),
                    median(row.stream().mapToDouble(OutsideResult::passThroughFirstCommit).toArray()),
                    median(row.stream().mapToDouble(OutsideResult::learnerFirstCommit).toArray()),
                    median(row.stream().mapToDouble(r -> r.learnerFirstCommit() - r.passThroughFirstCommit()).toArray()),
                    median(ratios.stream().mapToDouble(Double::doubleValue).toArray()),
                    median(row.stream().mapToDouble(OutsideResult::ratioAfterFirstCommit).toArray()), ratios));
        }
        return out;
    }

    public static List<Throughput> throughput(List<BenchResult> results) {
        List<Throughput> out = new ArrayList<>();
        for (List<BenchResult> row : rows(results, r -> r.guarantee() + "\u0000" + r.workload())) {
            BenchResult first = row.get(0);
            List<Double> ratios = row.stream().map(BenchResult::ratioToPassThrough).toList();
            out.add(new Throughput(first.guarantee(), first.workload(), row.size(),
                    median(row.stream().mapToDouble(BenchResult::recordsPerSecond).toArray()),
                    median(ratios.stream().mapToDouble(Double::doubleValue).toArray()), ratios));
        }
        return out;
    }

    public static List<Latency> latency(List<LatencyResult> results) {
        List<Latency> out = new ArrayList<>();
        for (List<LatencyResult> row : rows(results, l -> l.guarantee() + "\u0000" + l.workload() + "\u0000" + l.offeredRate())) {
            LatencyResult first = row.get(0);
            List<Double> p99s = row.stream().map(LatencyResult::p99Ms).toList();
            out.add(new Latency(first.guarantee(), first.workload(), first.offeredRate(), row.size(),
                    median(row.stream().mapToDouble(LatencyResult::p50Ms).toArray()),
                    median(p99s.stream().mapToDouble(Double::doubleValue).toArray()),
                    median(row.stream().mapToDouble(LatencyResult::maxMs).toArray()),
                    median(row.stream().mapToDouble(LatencyResult::commitMaxMs).toArray()), p99s));
        }
        return out;
    }

    /** Results grouped by row, rows in the order of their first result. */
    private static <T> java.util.Collection<List<T>> rows(List<T> results, java.util.function.Function<T, String> row) {
        Map<String, List<T>> rows = new LinkedHashMap<>();
        for (T r : results) {
            rows.computeIfAbsent(row.apply(r), k -> new ArrayList<>()).add(r);
        }
        return rows.values();
    }

    /** The middle value, or the mean of the two middle values; NaN for none. NaN values sort last. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}

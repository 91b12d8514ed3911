package io.streamlearn.bench;

/**
 * Produce-to-output latency of one workload ({@code score}, or {@code pass-through}: the same
 * events through the pass-through topology) at one offered rate (0: as fast as possible), with the
 * application's own commit latency over the run (Kafka Streams' {@code commit-latency-avg/max}):
 * under exactly-once a scored event becomes visible only when its transaction commits.
 */
public record LatencyResult(int round, String guarantee, String workload, double offeredRate, long events, double p50Ms, double p99Ms, double maxMs,
                            double commitAvgMs, double commitMaxMs) {
}

package io.streamlearn.bench;

/** One measured row: a workload under a guarantee in one round, its throughput and the memory in use after it. */
public record BenchResult(int round, String guarantee, String workload, long records, double seconds, double recordsPerSecond,
                          double ratioToPassThrough, long heapMb, long rssMb) {
}

package io.streamlearn.bench;

/**
 * One pair of separate processes on the same records: the pass-through (A), then the learner (B),
 * each timed from its launch. Seconds to the first commit (start-up), to the last; throughput
 * from launch and after the first commit; the learner's over the pass-through's.
 */
public record OutsideResult(int pair, String guarantee, String workload, long records,
                            double passThroughFirstCommit, double passThroughSeconds,
                            double learnerFirstCommit, double learnerSeconds,
                            double ratioFromStart, double ratioAfterFirstCommit) {
}

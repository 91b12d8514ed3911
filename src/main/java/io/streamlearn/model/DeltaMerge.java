package io.streamlearn.model;

/**
 * One merge round of data-parallel training: the global parameters plus the replicas' deltas,
 * combined by a {@link MergeRule}. The deltas are added in the order given (the caller passes a
 * round's in replica order), so the same round always gives the same bits whatever order they
 * arrived in.
 */
public final class DeltaMerge {
    private DeltaMerge() {
    }

    /**
     * {@code out} = {@code global} + the merged {@code deltas}. {@code counts[i]} is how many examples
     * delta i was learned from; under {@link MergeRule#AVERAGE} it is delta i's weight (over the sum of
     * counts), under {@link MergeRule#SUM} it is ignored. A round whose counts are all zero leaves the
     * parameters as they were. {@code out} may be {@code global}.
     */
    public static void merge(double[] global, double[][] deltas, long[] counts, MergeRule rule, double[] out) {
        if (deltas.length != counts.length) {
            throw new IllegalArgumentException(deltas.length + " deltas but " + counts.length + " counts");
        }
        if (out.length != global.length) {
            throw new IllegalArgumentException("out has " + out.length + " parameters, global " + global.length);
        }
        long total = 0;
        for (int r = 0; r < deltas.length; r++) {
            if (deltas[r].length != global.length) {
                throw new IllegalArgumentException("delta " + r + " has " + deltas[r].length + " parameters, global "
                        + global.length);
            }
            if (counts[r] < 0) {
                throw new IllegalArgumentException("count " + r + " is negative: " + counts[r]);
            }
            total += counts[r];
        }
        if (out != global) {
            System.arraycopy(global, 0, out, 0, global.length);
        }
        if (total == 0) {
            return;
        }
        for (int r = 0; r < deltas.length; r++) {
            double weight = rule == MergeRule.SUM ? 1.0 : (double) counts[r] / total;
            if (weight == 0.0) {
                continue;
            }
            double[] d = deltas[r];
            for (int i = 0; i < out.length; i++) {
                out[i] += weight * d[i];
            }
        }
    }
}

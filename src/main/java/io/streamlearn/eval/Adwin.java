package io.streamlearn.eval;

import java.util.Arrays;

/**
 * ADWIN, the adaptive window of Bifet and Gavaldà ("Learning from time-changing data with adaptive
 * windowing", SDM 2007), as MOA implements it: the window of recent values is kept as an
 * exponential histogram (row r holds up to {@link #MAX_BUCKETS} buckets of 2^r values, each with its
 * sum and variance, so W values take O(log W) memory), and every {@link #CLOCK} values every split
 * of the window into an older and a newer part is tested; when their means differ by more than
 * ε_cut = √(2·m·σ²·ln(2 ln W / δ)) + (2/3)·m·ln(2 ln W / δ), m = 1/(n₀ − 4) + 1/(n₁ − 4), the older
 * buckets are dropped until no split differs. δ bounds the rate of false alarms.
 *
 * <p>No allocation after construction: the rows are preallocated (64 rows hold 2⁶⁴ values). The
 * whole state is a few numbers and the rows, exported and imported as plain arrays so that a
 * restored window continues bit for bit.
 */
public final class Adwin {
    /** Buckets per row before two are merged into the next row (MOA's M). */
    static final int MAX_BUCKETS = 5;
    /** Values between two tests for a cut. */
    static final int CLOCK = 32;
    /** No test while the window is this short or shorter. */
    static final int MIN_WINDOW = 10;
    /** Each side of a cut must hold more than this many values (MOA's mintMinWinLength + 1). */
    static final int MIN_SIDE = 5 + 1;
    private static final int ROWS = 64;
    private static final int PER_ROW = MAX_BUCKETS + 1;

    private final double delta;
    /** totals[r * PER_ROW + k], oldest bucket of row r at k = 0. */
    private final double[] totals = new double[ROWS * PER_ROW];
    private final double[] variances = new double[ROWS * PER_ROW];
    private final int[] counts = new int[ROWS];
    private int rows = 1;
    private long time;
    private long width;
    private double total;
    /** Sum of squared deviations from the mean over the window (its variance times its width). */
    private double variance;
    private long detections;
    /** Means of the dropped and the kept part at the last cut. */
    private double meanBeforeCut = Double.NaN;
    private double meanAfterCut = Double.NaN;

    public Adwin(double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
        this.delta = delta;
    }

    public double delta() {
        return delta;
    }

    /** Adds a value; returns whether the window was cut (a change in its mean was detected). */
    public boolean update(double x) {
        time++;
        insert(x);
        if (time % CLOCK != 0 || width <= MIN_WINDOW) {
            return false;
        }
        boolean changed = false;
        double meanBefore = mean();
        boolean cut = true;
        while (cut) {
            cut = cutOnce();
            changed |= cut;
        }
        if (changed) {
            detections++;
            meanBeforeCut = meanBefore;
            meanAfterCut = mean();
        }
        return changed;
    }

    private void insert(double x) {
        width++;
        addBucket(0, x, 0.0);
        if (width > 1) {
            double d = x - total / (width - 1);
            variance += (width - 1) * d * d / width;
        }
        total += x;
        compress();
    }

    private void addBucket(int row, double sum, double var) {
        int k = counts[row]++;
        totals[row * PER_ROW + k] = sum;
        variances[row * PER_ROW + k] = var;
    }

    /** Merges the two oldest buckets of a full row into one of the next row, as far up as needed. */
    private void compress() {
        for (int r = 0; r < rows && counts[r] == PER_ROW; r++) {
            if (r + 1 == rows) {
                if (rows == ROWS) {
                    throw new IllegalStateException("ADWIN window beyond 2^64 values");
                }
                counts[rows++] = 0;
            }
            int base = r * PER_ROW;
            double n = bucketSize(r);
            double u1 = totals[base] / n;
            double u2 = totals[base + 1] / n;
            double inc = n * n * (u1 - u2) * (u1 - u2) / (n + n);
            addBucket(r + 1, totals[base] + totals[base + 1], variances[base] + variances[base + 1] + inc);
            removeOldest(r, 2);
        }
    }

    private void removeOldest(int row, int howMany) {
        int base = row * PER_ROW;
        int left = counts[row] - howMany;
        System.arraycopy(totals, base + howMany, totals, base, left);
        System.arraycopy(variances, base + howMany, variances, base, left);
        counts[row] = left;
    }

    private static double bucketSize(int row) {
        return (double) (1L << row);
    }

    /** One pass over the splits from the oldest bucket on; drops the oldest bucket at the first cut. */
    private boolean cutOnce() {
        double n0 = 0;
        double n1 = width;
        double u0 = 0;
        double u1 = total;
        for (int r = rows - 1; r >= 0; r--) {
            double n2 = bucketSize(r);
            int base = r * PER_ROW;
            for (int k = 0; k < counts[r]; k++) {
                double u2 = totals[base + k];
                n0 += n2;
                n1 -= n2;
                u0 += u2;
                u1 -= u2;
                if (r == 0 && k == counts[r] - 1) {
                    return false; // the newest bucket: nothing after it to compare
                }
                if (n1 > MIN_SIDE && n0 > MIN_SIDE && exceedsBound(n0, n1, u0 / n0 - u1 / n1)) {
                    dropOldest();
                    return true;
                }
            }
        }
        return false;
    }

    private boolean exceedsBound(double n0, double n1, double difference) {
        double n = width;
        double dd = Math.log(2 * Math.log(n) / delta);
        double v = variance / n;
        double m = 1 / (n0 - MIN_SIDE + 2) + 1 / (n1 - MIN_SIDE + 2);
        double epsilon = Math.sqrt(2 * m * v * dd) + 2.0 / 3 * dd * m;
        return Math.abs(difference) > epsilon;
    }

    private void dropOldest() {
        int r = rows - 1;
        double n1 = bucketSize(r);
        double t = totals[r * PER_ROW];
        double v = variances[r * PER_ROW];
        width -= (long) n1;
        total -= t;
        double u1 = t / n1;
        double d = u1 - total / width;
        variance -= v + n1 * width * d * d / (n1 + width);
        removeOldest(r, 1);
        if (counts[r] == 0 && rows > 1) {
            rows--;
        }
    }

    /** Values in the window. */
    public long width() {
        return width;
    }

    /** Mean of the window; NaN while it is empty. */
    public double mean() {
        return width == 0 ? Double.NaN : total / width;
    }

    /** Population variance of the window; NaN while it is empty. */
    public double variance() {
        return width == 0 ? Double.NaN : variance / width;
    }

    /** Changes detected since the start. */
    public long detections() {
        return detections;
    }

    /** The window's mean just before, and just after, the last cut; NaN before any. */
    public double meanBeforeCut() {
        return meanBeforeCut;
    }

    public double meanAfterCut() {
        return meanAfterCut;
    }

    /** Forgets everything: an empty window (delta kept). */
    public void reset() {
        Arrays.fill(counts, 0);
        rows = 1;
        time = 0;
        width = 0;
        total = 0;
        variance = 0;
        detections = 0;
        meanBeforeCut = Double.NaN;
        meanAfterCut = Double.NaN;
    }

    /** The counters: time, width, detections, rows, then the bucket count of each row. */
    public long[] exportCounters() {
        long[] out = new long[4 + rows];
        out[0] = time;
        out[1] = width;
        out[2] = detections;
        out[3] = rows;
        for (int r = 0; r < rows; r++) {
            out[4 + r] = counts[r];
        }
        return out;
    }

    /** The sums: total, variance, the means at the last cut, then each row's totals and variances (oldest first). */
    public double[] exportSums() {
        int buckets = 0;
        for (int r = 0; r < rows; r++) {
            buckets += counts[r];
        }
        double[] out = new double[4 + 2 * buckets];
        out[0] = total;
        out[1] = variance;
        out[2] = meanBeforeCut;
        out[3] = meanAfterCut;
        int i = 4;
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < counts[r]; k++) {
                out[i++] = totals[r * PER_ROW + k];
                out[i++] = variances[r * PER_ROW + k];
            }
        }
        return out;
    }

    /** Replaces the state by one exported by {@link #exportCounters} and {@link #exportSums}. */
    public void importState(long[] counters, double[] sums) {
        if (counters.length < 5 || counters[3] < 1 || counters[3] > ROWS || counters.length != 4 + counters[3]) {
            throw new IllegalArgumentException("not an ADWIN state: " + counters.length + " counters");
        }
        int n = (int) counters[3];
        int buckets = 0;
        for (int r = 0; r < n; r++) {
            if (counters[4 + r] < 0 || counters[4 + r] > MAX_BUCKETS) {
                throw new IllegalArgumentException("row " + r + " of an ADWIN state holds " + counters[4 + r] + " buckets");
            }
            buckets += (int) counters[4 + r];
        }
        if (sums.length != 4 + 2 * buckets) {
            throw new IllegalArgumentException("ADWIN state of " + buckets + " buckets needs " + (4 + 2 * buckets)
                    + " sums, got " + sums.length);
        }
        reset();
        time = counters[0];
        width = counters[1];
        detections = counters[2];
        rows = n;
        total = sums[0];
        variance = sums[1];
        meanBeforeCut = sums[2];
        meanAfterCut = sums[3];
        int i = 4;
        for (int r = 0; r < n; r++) {
            counts[r] = (int) counters[4 + r];
            for (int k = 0; k < counts[r]; k++) {
                totals[r * PER_ROW + k] = sums[i++];
                variances[r * PER_ROW + k] = sums[i++];
            }
        }
    }
}

package io.streamlearn.model;

import java.util.Arrays;

/**
 * Online per-feature scaling: running mean and variance (Welford's update, numerically stable in
 * one pass) and running min and max, learned one example at a time, applied as
 * {@link Scaling#STANDARD} or {@link Scaling#MINMAX}. A feature that has not varied yet (and every
 * feature before the first example) scales to 0 rather than dividing by zero, as River's
 * StandardScaler does.
 *
 * <p>The state is one count and four arrays (mean, M2 = Σ(x − mean)², min, max), exported and
 * imported as plain values so a restored scaler continues with the same bits. The factor applied
 * to each feature (1/σ or 1/(max − min)) is derived from that state, cached so that scaling an
 * example costs a subtraction and a multiplication per feature, and rebuilt on import.
 */
public final class FeatureScaler {
    private final Scaling kind;
    private final double[] mean;
    private final double[] m2;
    private final double[] min;
    private final double[] max;
    /** 1/σ (standard) or 1/(max − min) (min-max) per feature; 0 where that is undefined. */
    private final double[] factor;
    private long count;

    public FeatureScaler(Scaling kind, int features) {
        if (kind == Scaling.NONE) {
            throw new IllegalArgumentException("no scaler for scaling none: pass the features through");
        }
        this.kind = kind;
        this.mean = new double[features];
        this.m2 = new double[features];
        this.min = new double[features];
        this.max = new double[features];
        this.factor = new double[features];
    }

    public Scaling kind() {
        return kind;
    }

    public int features() {
        return mean.length;
    }

    /** Examples learned. */
    public long count() {
        return count;
    }

    /** The scaled features of {@code x} into {@code out} (may be {@code x} itself); allocates nothing. */
    public void transform(double[] x, double[] out) {
        double[] offset = kind == Scaling.STANDARD ? mean : min;
        for (int i = 0; i < factor.length; i++) {
            out[i] = (x[i] - offset[i]) * factor[i];
        }
    }

    /**
     * Adds one example to the statistics. Returns false, changing nothing, when an update would
     * overflow (features near ±1e154 and beyond square to infinity): a scaler whose statistics are
     * infinite would map every later example to 0 or NaN.
     */
    public boolean learn(double[] x) {
        long n = count + 1;
        double nonFinite = 0.0;
        for (int i = 0; i < mean.length; i++) {
            double delta = x[i] - mean[i];
            double mi = mean[i] + delta / n;
            nonFinite += mi * 0.0 + (m2[i] + delta * (x[i] - mi)) * 0.0;
        }
        if (nonFinite != 0.0) {
            return false;
        }
        // The same operations again, now stored: cheaper than a copy of the state to roll back.
        for (int i = 0; i < mean.length; i++) {
            double delta = x[i] - mean[i];
            double mi = mean[i] + delta / n;
            m2[i] += delta * (x[i] - mi);
            mean[i] = mi;
            min[i] = n == 1 ? x[i] : Math.min(min[i], x[i]);
            max[i] = n == 1 ? x[i] : Math.max(max[i], x[i]);
        }
        count = n;
        updateFactors();
        return true;
    }

    private void updateFactors() {
        for (int i = 0; i < factor.length; i++) {
            double spread = kind == Scaling.STANDARD ? Math.sqrt(m2[i] / count) : max[i] - min[i];
            factor[i] = spread > 0 && Double.isFinite(1.0 / spread) ? 1.0 / spread : 0.0;
        }
    }

    /** Running mean of feature i (0 before any example). */
    public double mean(int i) {
        return mean[i];
    }

    /** Running population variance of feature i (0 before two different values). */
    public double variance(int i) {
        return count == 0 ? 0.0 : m2[i] / count;
    }

    public double min(int i) {
        return min[i];
    }

    public double max(int i) {
        return max[i];
    }

    /** Length of {@link #exportState}: four values per feature. */
    public int stateLength() {
        return 4 * mean.length;
    }

    /** The statistics as mean[0..n), M2[0..n), min[0..n), max[0..n) into {@code out}; with {@link #count} the whole state. */
    public void exportState(double[] out) {
        int n = mean.length;
        System.arraycopy(mean, 0, out, 0, n);
        System.arraycopy(m2, 0, out, n, n);
        System.arraycopy(min, 0, out, 2 * n, n);
        System.arraycopy(max, 0, out, 3 * n, n);
    }

    /** A copy of the statistics in the layout of {@link #exportState}. */
    public double[] exportState() {
        double[] out = new double[stateLength()];
        exportState(out);
        return out;
    }

    /** Replaces the state by one {@link #exportState} wrote: the scaler then continues bit for bit. */
    public void importState(long count, double[] state) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        if (state.length != stateLength()) {
            throw new IllegalArgumentException("scaler state of " + features() + " features needs " + stateLength()
                    + " values, got " + state.length);
        }
        for (double v : state) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("scaler state must be finite");
            }
        }
        int n = mean.length;
        System.arraycopy(state, 0, mean, 0, n);
        System.arraycopy(state, n, m2, 0, n);
        System.arraycopy(state, 2 * n, min, 0, n);
        System.arraycopy(state, 3 * n, max, 0, n);
        this.count = count;
        updateFactors();
    }

    /**
     * Adds the statistics of examples learned elsewhere, as if this scaler had learned them too:
     * count, mean and M2 by the pairwise update of Chan, Golub and LeVeque (exact up to rounding
     * however the examples were split, and stable when one side is much larger), min and max as the
     * smaller and the larger. Statistics of no examples change nothing, whatever their length.
     * Returns false, changing nothing, when the result would not be finite.
     */
    public boolean merge(ScalerStatistics other) {
        if (other.count() == 0) {
            return true;
        }
        double[] s = other.state();
        if (s.length != stateLength()) {
            throw new IllegalArgumentException("scaler statistics of " + features() + " features need " + stateLength()
                    + " values, got " + s.length);
        }
        if (count == 0) {
            importState(other.count(), s);
            return true;
        }
        int f = mean.length;
        long n = count + other.count();
        double b = (double) other.count() / n;
        double nonFinite = 0.0;
        for (int i = 0; i < f; i++) {
            double delta = s[i] - mean[i];
            nonFinite += (mean[i] + delta * b) * 0.0 + (m2[i] + s[f + i] + delta * delta * count * b) * 0.0;
        }
        if (nonFinite != 0.0) {
            return false;
        }
        for (int i = 0; i < f; i++) {
            double delta = s[i] - mean[i];
            // count·b = count·other/n: the cross term of Chan et al., with the product of the two counts kept below n².
            m2[i] += s[f + i] + delta * delta * count * b;
            mean[i] += delta * b;
            min[i] = Math.min(min[i], s[2 * f + i]);
            max[i] = Math.max(max[i], s[3 * f + i]);
        }
        count = n;
        updateFactors();
        return true;
    }

    /**
     * Becomes {@code global}'s statistics plus each of {@code own} in order: a data-parallel replica
     * adopting the merged statistics keeps those of its own examples the merge has not seen yet, as
     * it keeps its own parameter deltas. Statistics that would overflow are left out, as
     * {@link #learn} leaves out such an example.
     */
    public void rebase(ScalerStatistics global, Iterable<ScalerStatistics> own) {
        if (global.count() == 0) {
            reset();
        } else {
            importState(global.count(), global.state());
        }
        for (ScalerStatistics s : own) {
            merge(s);
        }
    }

    /** Forgets every example: the state of a new scaler. */
    public void reset() {
        Arrays.fill(mean, 0.0);
        Arrays.fill(m2, 0.0);
        Arrays.fill(min, 0.0);
        Arrays.fill(max, 0.0);
        Arrays.fill(factor, 0.0);
        count = 0;
    }

    /** Copies another scaler's state (same kind and size) into this one. */
    public void copyFrom(FeatureScaler other) {
        if (other.kind != kind || other.features() != features()) {
            throw new IllegalArgumentException("scalers differ: " + other.kind + "/" + other.features() + " vs "
                    + kind + "/" + features());
        }
        importState(other.count, other.exportState());
    }
}

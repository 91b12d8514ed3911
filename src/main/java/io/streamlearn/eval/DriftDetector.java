package io.streamlearn.eval;

/**
 * Watches a model's prequential error (0/1 for a classifier, the absolute error of a regression)
 * with two ADWIN windows on the same values: a sensitive one (δ = {@link #WARNING_DELTA}) raises
 * a warning, a strict one (δ = {@link #DRIFT_DELTA}) a drift — the levels River's adaptive random
 * forest uses to start a background learner at a warning and swap it in at a drift. Only a rise of
 * the error counts (as MOA's ADWINChangeDetector): a model that starts doing better has not
 * drifted in any way that calls for action, though the window still forgets the old error.
 *
 * <p>State: the two windows and the counts, exportable for an exact restore.
 */
public final class DriftDetector {
    public static final double WARNING_DELTA = 0.01;
    public static final double DRIFT_DELTA = 0.001;

    /** What one error said. */
    public enum Signal { NONE, WARNING, DRIFT }

    private final Adwin warning;
    private final Adwin drift;
    private long examples;
    private long warnings;
    private long drifts;
    /** Example count (1-based) at the last warning and the last drift, 0 for none. */
    private long lastWarningAt;
    private long lastDriftAt;

    public DriftDetector() {
        this(WARNING_DELTA, DRIFT_DELTA);
    }

    public DriftDetector(double warningDelta, double driftDelta) {
        if (!(warningDelta >= driftDelta)) {
            throw new IllegalArgumentException("the warning's delta must be at least the drift's: it warns first");
        }
        this.warning = new Adwin(warningDelta);
        this.drift = new Adwin(driftDelta);
    }

    /** Adds one error; returns DRIFT, WARNING or NONE. Allocates nothing. */
    public Signal update(double error) {
        examples++;
        boolean warned = warning.update(error) && warning.meanAfterCut() > warning.meanBeforeCut();
        boolean drifted = drift.update(error) && drift.meanAfterCut() > drift.meanBeforeCut();
        if (drifted) {
            drifts++;
            lastDriftAt = examples;
            // a new concept: the warning window starts from it, so the next warning is about the new one
            warning.reset();
            return Signal.DRIFT;
        }
        if (warned) {
            warnings++;
            lastWarningAt = examples;
            return Signal.WARNING;
        }
        return Signal.NONE;
    }

    /** Whether a warning came after the last drift: the time a background learner would be training. */
    public boolean inWarning() {
        return lastWarningAt > lastDriftAt;
    }

    public long examples() {
        return examples;
    }

    public long warnings() {
        return warnings;
    }

    public long drifts() {
        return drifts;
    }

    public long lastWarningAt() {
        return lastWarningAt;
    }

    public long lastDriftAt() {
        return lastDriftAt;
    }

    /** The error ADWIN's drift window estimates now (its mean); NaN before any example. */
    public double error() {
        return drift.mean();
    }

    public Adwin warningWindow() {
        return warning;
    }

    public Adwin driftWindow() {
        return drift;
    }

    /** examples, warnings, drifts, lastWarningAt, lastDriftAt; the windows export their own state. */
    public long[] exportCounters() {
        return new long[] {examples, warnings, drifts, lastWarningAt, lastDriftAt};
    }

    public void importCounters(long[] c) {
        if (c.length != 5) {
            throw new IllegalArgumentException("drift detector counters are 5 values, got " + c.length);
        }
        examples = c[0];
        warnings = c[1];
        drifts = c[2];
        lastWarningAt = c[3];
        lastDriftAt = c[4];
    }
}

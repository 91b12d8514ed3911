package io.streamlearn.learn;

import io.streamlearn.config.DriftPolicy;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.SnapshotPolicy;
import io.streamlearn.config.UpdateMode;
import io.streamlearn.eval.DriftDetector;
import io.streamlearn.eval.Evaluation;
import io.streamlearn.eval.Prequential;
import io.streamlearn.model.Activation;
import io.streamlearn.model.Label;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.Network;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * One model learning from a stream: the network plus what decides when it updates (the update
 * mode), what it has seen, how well it predicted (prequential: {@link Prequential}'s accuracy and
 * log loss, and the {@link Evaluation} that fits the kind of model), whether its error has
 * drifted ({@link DriftDetector}), and when it is due to be published. Knows nothing of Kafka; the trainer processor feeds it examples in offset order
 * and persists its state, so the same stream always yields the same bits.
 *
 * <p>Time is the model's own: its event time is the newest timestamp among the records it
 * accepted, and nothing else moves it — not another model's records, not the wall clock. Its
 * windows close on it (plus the grace of its {@link io.streamlearn.config.EventTimePolicy}) and
 * its publication cadence counts in it. A record for a window that has closed is late: it is
 * counted and not learned ({@link #closedWindowOf} tells the caller beforehand, to dead-letter it).
 * The one reading of a wall clock is the caller's {@code now} in {@link #isFuture}: records
 * stamped too far ahead must never reach {@link #learn}, or they would move the clock past every
 * record that follows.
 */
public final class OnlineLearner {
    /** No window open yet. */
    public static final long NO_WINDOW = Long.MIN_VALUE;
    /** No event time yet: the model has accepted no record. */
    public static final long NO_TIME = Long.MIN_VALUE;

    private final ModelConfig config;
    private final Network network;
    private final Prequential metrics;
    private final Evaluation evaluation;
    private final DriftDetector drift;
    private DriftDetector.Signal lastSignal = DriftDetector.Signal.NONE;
    private final double[] output;
    private final double[] target;
    private final boolean signedOutput;

    private long examplesSeen;
    private long eventTime = NO_TIME;
    /** Window mode: the window whose batch is in the network, or {@link #NO_WINDOW}. */
    private long windowStart = NO_WINDOW;
    /** Window mode with grace: the other open windows' batches, by start. */
    private final TreeMap<Long, WindowBatch> parked = new TreeMap<>();
    private long lateRecords;
    private long version;
    private long updatesSincePublish;
    private long lastPublishTime = NO_WINDOW;
    private long adoptedVersion = -1;
    /** {@code drift.action: background}: the learner trained since a warning, or null. */
    private BackgroundLearner background;
    /** What became of the background learner at the last example, when it raised a drift; else null. */
    private BackgroundLearner.Outcome lastOutcome;

    public OnlineLearner(ModelConfig config, Network network, Prequential metrics) {
        this(config, network, metrics, evaluationFor(config.spec(), Evaluation.DEFAULT_WINDOW), new DriftDetector());
    }

    public OnlineLearner(ModelConfig config, Network network, Prequential metrics, Evaluation evaluation,
                         DriftDetector drift) {
        this.config = config;
        this.network = network;
        this.metrics = metrics;
        this.evaluation = evaluation;
        this.drift = drift;
        this.output = new double[network.outputSize()];
        this.target = new double[network.outputSize()];
        Activation last = config.spec().layers().get(config.spec().layers().size() - 1).activation();
        this.signedOutput = last == Activation.TANH || last == Activation.SIGN;
    }

    /** A learner that has seen nothing, with seeded or explicit initial weights. */
    public static OnlineLearner fresh(ModelConfig config) {
        return new OnlineLearner(config, initialNetwork(config), new Prequential());
    }

    /** The network a model starts from: the declared initial weights, or weights drawn from the spec's seed. */
    static Network initialNetwork(ModelConfig config) {
        return config.hasInitialWeights()
                ? Network.withWeights(config.spec(), config.initialWeights(), config.initialBiases())
                : Network.initialize(config.spec());
    }

    /** A learner that has seen nothing, whose windowed figures cover the last {@code window} examples. */
    public static OnlineLearner fresh(ModelConfig config, int window) {
        OnlineLearner l = fresh(config);
        return new OnlineLearner(config, l.network, l.metrics, evaluationFor(config.spec(), window), new DriftDetector());
    }

    /** The evaluation that fits a model: classes or targets, and whether its output reads as probabilities. */
    public static Evaluation evaluationFor(ModelSpec spec, int window) {
        Evaluation.Output output = switch (spec.outputActivation()) {
            case SIGMOID -> Evaluation.Output.PROBABILITY;
            case SOFTMAX -> Evaluation.Output.DISTRIBUTION;
            case TANH -> Evaluation.Output.SIGNED;
            default -> Evaluation.Output.SCORE;
        };
        return new Evaluation(spec.loss().classification(), output, spec.outputSize(), window, Evaluation.DEFAULT_FADING);
    }

    /** Test, then train on one labeled example; see {@link #learn(double[], double, double[], long)}. */
    public int learn(double[] x, Label label, long timestamp) {
        return label instanceof Label.Vector v
                ? learn(x, Double.NaN, v.target(), timestamp)
                : learn(x, ((Label.Scalar) label).value(), null, timestamp);
    }

    /**
     * Test, then train on one example whose record timestamp is {@code timestamp}. The label is
     * either a number ({@code labelVector} null) or a target vector. The timestamp moves the
     * model's event time; in window mode every window that closes by it is applied first (more
     * than one when several were open within the grace), then the example joins its own window.
     * Returns how many updates were applied; an update the network refused as non-finite is not
     * among them but in {@link #updatesRefused}. A window-mode example whose window has closed
     * is late: counted in {@link #lateRecords}, not learned, 0 returned.
     */
    public int learn(double[] x, double label, double[] labelVector, long timestamp) {
        int applied = 0;
        UpdateMode mode = config.update();
        if (mode.kind() == UpdateMode.Kind.WINDOW && closedWindowOf(timestamp) != null) {
            lateRecords++;
            return 0;
        }
        if (timestamp > eventTime) {
            eventTime = timestamp;
        }
        if (mode.kind() == UpdateMode.Kind.WINDOW) {
            applied += closeWindowsDueBy(eventTime);
            enterWindow(windowOf(timestamp));
        }
        // A checkpoint from before models kept their own clocks may hold the task's stream time here, ahead of this
        // model's: counted from it, publication by time would wait until the model's clock caught up.
        if (lastPublishTime == NO_WINDOW || lastPublishTime > eventTime) {
            lastPublishTime = eventTime;
        }
        if (labelVector == null) {
            network.target(label, target);
        } else {
            System.arraycopy(labelVector, 0, target, 0, target.length);
        }
        // Scored by the model as it is, then its scaler (if any) learns x (see Network).
        network.predictForLearning(x, output);
        int predicted = network.predictClass(output);
        if (labelVector == null) {
            metrics.record(output, predicted, (int) label, signedOutput);
        }
        evaluate(label, labelVector, predicted);
        // The forward pass that scored the example is the one it is learned from.
        examplesSeen++;
        if (mode.kind() == UpdateMode.Kind.STOCHASTIC) {
            long before = network.updatesApplied();
            network.learnPredicted(target);
            applied += (int) (network.updatesApplied() - before);
        } else {
            network.accumulatePredicted(target);
            if (mode.kind() == UpdateMode.Kind.COUNT && network.pendingCount() >= mode.batchSize()
                    && network.applyUpdate()) {
                applied++;
            }
        }
        updatesSincePublish += applied;
        if (config.drift().action() == DriftPolicy.Action.BACKGROUND) {
            background(x, labelVector == null && evaluation.classifier() ? (int) label : -1);
        }
        return applied;
    }

    /**
     * {@code drift.action: background}, after the model has learned the example: the background
     * learner (if one is training) is tested and trained on it too; then a drift decides between
     * it and the model, a warning (or a drift that found none training) starts one, and a long
     * quiet drops it. Only streams that learn each example as it arrives (stochastic, count) run
     * one: a window's batches are the model's own, and a full batch (a retrain's pass) has no
     * drift to answer in time.
     */
    private void background(double[] x, int classLabel) {
        lastOutcome = null;
        UpdateMode mode = config.update();
        if (mode.kind() != UpdateMode.Kind.STOCHASTIC && mode.kind() != UpdateMode.Kind.COUNT) {
            return;
        }
        if (background != null) {
            background.learn(x, target, classLabel, evaluation.lastError(), evaluation, mode);
        }
        if (lastSignal == DriftDetector.Signal.DRIFT) {
            lastOutcome = settleBackground();
            if (lastOutcome.verdict() == BackgroundLearner.Verdict.NONE) {
                // An abrupt change cuts both ADWIN windows at the same check (every 32 examples), so
                // the drift comes without a warning before it: the drift is its own warning, and the
                // learner started now is compared at the next drift.
                startBackground();
            }
        } else if (lastSignal == DriftDetector.Signal.WARNING && background == null) {
            startBackground();
        } else if (background != null && drift.examples() - Math.max(drift.lastWarningAt(), drift.lastDriftAt())
                >= DriftPolicy.BACKGROUND_PATIENCE) {
            background = null;
        }
    }

    /**
     * A fresh network, not a copy of the model, as adaptive random forests start theirs: a copy
     * would carry the old concept's weights and its optimizer state, whose step sizes shrank over
     * that concept (AdaGrad's accumulators), and would begin with the model's own error, so the
     * comparison at the drift would mostly measure noise. A fresh one learns only the examples
     * since the warning, at full step size, and its error over them says how well the new concept
     * is learned from scratch. Same seed rule as a fresh model, so a replay starts the same one.
     * Allocates its network: once per warning, not per example.
     */
    private void startBackground() {
        background = new BackgroundLearner(initialNetwork(config), examplesSeen);
    }

    /**
     * At a drift: swaps the background learner in when it has seen enough examples and its error
     * over them is lower than the model's over the same ones; drops it either way. The model's
     * counters and prequential figures go on; its weights, optimizer state, feature statistics
     * and open batch become the background's.
     */
    private BackgroundLearner.Outcome settleBackground() {
        BackgroundLearner b = background;
        background = null;
        if (b == null) {
            return BackgroundLearner.Outcome.NONE;
        }
        BackgroundLearner.Verdict verdict;
        if (b.examples() < DriftPolicy.MIN_BACKGROUND_EXAMPLES) {
            verdict = BackgroundLearner.Verdict.TOO_FEW;
        } else if (b.errorSum() < b.foregroundErrorSum()) {
            verdict = BackgroundLearner.Verdict.SWAPPED;
            NetworkState.copyAll(b.network(), network);
        } else {
            verdict = BackgroundLearner.Verdict.NOT_BETTER;
        }
        return new BackgroundLearner.Outcome(verdict, b.startedAt(), b.examples(), b.error(), b.foregroundError());
    }

    private void evaluate(double label, double[] labelVector, int predicted) {
        if (labelVector != null) {
            evaluation.recordTarget(output, labelVector, predicted);
        } else if (evaluation.classifier()) {
            evaluation.recordClass(output, predicted, (int) label);
        } else {
            evaluation.recordTarget(output, target, predicted);
        }
        lastSignal = drift.update(evaluation.lastError());
        if (lastSignal == DriftDetector.Signal.DRIFT && config.drift().action() == DriftPolicy.Action.RESET) {
            network.resetOptimizerState();
        }
    }

    /**
     * The end of a pass over a bounded stream (an epoch of {@code evaluate} or a replay): full batch
     * mode applies the pass's averaged gradient, its one update. Returns the updates applied.
     */
    public int endOfPass() {
        if (config.update().kind() != UpdateMode.Kind.FULL_BATCH || !network.applyUpdate()) {
            return 0;
        }
        updatesSincePublish++;
        return 1;
    }

    /** A window of event time, [start, end), and the event time at which it closes (its end plus the grace). */
    public record Window(long start, long end, long closesAt) {
    }

    /**
     * Window mode: the window a record stamped {@code timestamp} belongs to, if it has closed (the
     * model's event time has reached its end plus the grace), so the record is late; else null,
     * and null in the other modes. Changes nothing.
     */
    public Window closedWindowOf(long timestamp) {
        if (config.update().kind() != UpdateMode.Kind.WINDOW || eventTime == NO_TIME) {
            return null;
        }
        long start = windowOf(timestamp);
        long closesAt = closesAt(start);
        return closesAt <= eventTime ? new Window(start, start + config.update().windowMs(), closesAt) : null;
    }

    /** Counts a late record its caller refused after asking {@link #closedWindowOf}. */
    public void countLate() {
        lateRecords++;
    }

    /**
     * Whether a record stamped {@code timestamp} is further ahead of {@code now} (the caller's
     * wall clock) than this model tolerates: such a record must not be learned, since its
     * timestamp would become the model's event time.
     */
    public boolean isFuture(long timestamp, long now) {
        return config.eventTime().isFuture(timestamp, now);
    }

    private long windowOf(long timestamp) {
        long len = config.update().windowMs();
        return Math.floorDiv(timestamp, len) * len;
    }

    private long closesAt(long start) {
        return start + config.update().windowMs() + config.eventTime().graceMs();
    }

    /** Applies, oldest first, every open window that closes by {@code time}; returns the updates applied. */
    private int closeWindowsDueBy(long time) {
        int applied = 0;
        while (true) {
            long oldest = windowStart;
            if (!parked.isEmpty() && (oldest == NO_WINDOW || parked.firstKey() < oldest)) {
                oldest = parked.firstKey();
            }
            if (oldest == NO_WINDOW || closesAt(oldest) > time) {
                return applied;
            }
            enterWindow(oldest);
            if (network.applyUpdate()) {
                applied++;
            }
            windowStart = NO_WINDOW;
        }
    }

    /** Makes {@code start}'s batch the network's open batch, parking the one there. */
    private void enterWindow(long start) {
        if (windowStart == start) {
            return;
        }
        if (windowStart != NO_WINDOW && network.pendingCount() > 0) {
            WindowBatch b = new WindowBatch(windowStart, network);
            b.takeFrom(network);
            parked.put(windowStart, b);
        }
        WindowBatch waiting = parked.remove(start);
        if (waiting != null) {
            waiting.giveTo(network);
        }
        windowStart = start;
    }

    /**
     * Whether a snapshot should be published now, by count of updates or by event time: {@code time}
     * is the model's (the trainer passes {@link #eventTime}), so a replay publishes the same versions.
     */
    public boolean snapshotDue(long time) {
        if (updatesSincePublish == 0) {
            return false;
        }
        SnapshotPolicy p = config.snapshot();
        return updatesSincePublish >= p.everyUpdates()
                || (lastPublishTime != NO_WINDOW && time - lastPublishTime >= p.everyMs());
    }

    /**
     * Records a publication at the model's event time {@code time} ({@link #NO_TIME} before its first
     * record) and returns its version, one more than any seen before.
     */
    public long markPublished(long time) {
        version++;
        updatesSincePublish = 0;
        lastPublishTime = time;
        return version;
    }

    /**
     * Adopts a model trained elsewhere (a retrain): its weights and optimizer state replace ours,
     * the open batch (every open window's) is dropped, counters and event time continue. Our
     * next version follows theirs.
     */
    public void adopt(Network trained, long trainedVersion) {
        NetworkState.copyParameters(trained, network);
        parked.clear();
        // Its error was counted against weights the model no longer has.
        background = null;
        version = Math.max(version, trainedVersion);
        adoptedVersion = trainedVersion;
    }

    /**
     * Data-parallel training: replicas' deltas of {@code examples} examples, the newest stamped
     * {@code newestTimestamp}, were merged into this model's network. They count as seen, move its
     * event time, and are one update waiting to be published.
     */
    public void countMerged(long examples, long newestTimestamp) {
        examplesSeen += examples;
        if (newestTimestamp > eventTime) {
            eventTime = newestTimestamp;
        }
        updatesSincePublish++;
    }

    /** Numbers the next publication after {@code publishedVersion}, without taking its weights. */
    public void continueAfter(long publishedVersion) {
        version = Math.max(version, publishedVersion);
    }

    public ModelConfig config() {
        return config;
    }

    public Network network() {
        return network;
    }

    public Prequential metrics() {
        return metrics;
    }

    public Evaluation evaluation() {
        return evaluation;
    }

    public DriftDetector drift() {
        return drift;
    }

    /** The background learner training since a warning ({@code drift.action: background}), or null. */
    public BackgroundLearner background() {
        return background;
    }

    /**
     * {@code drift.action: background}: what became of the background learner at the drift the
     * last example raised; null when it raised none (or under another action).
     */
    public BackgroundLearner.Outcome lastBackgroundOutcome() {
        return lastOutcome;
    }

    /** Restores a checkpoint's background learner (null for none). */
    public void restoreBackground(BackgroundLearner background) {
        this.background = background;
    }

    /** What the drift detector said about the last example learned. */
    public DriftDetector.Signal lastSignal() {
        return lastSignal;
    }

    public long examplesSeen() {
        return examplesSeen;
    }

    public long windowStart() {
        return windowStart;
    }

    /** The newest timestamp among the records this model accepted, or {@link #NO_TIME}. */
    public long eventTime() {
        return eventTime;
    }

    /** Window mode with grace: the open windows other than {@link #windowStart}'s, oldest first. */
    public List<WindowBatch> parkedWindows() {
        return Collections.unmodifiableList(new ArrayList<>(parked.values()));
    }

    public long lateRecords() {
        return lateRecords;
    }

    public long version() {
        return version;
    }

    /**
     * Updates the network refused because they would have made its weights non-finite, since
     * the model started (kept in its checkpoints and snapshots).
     */
    public long updatesRefused() {
        return network.updatesRefused();
    }

    public long updatesSincePublish() {
        return updatesSincePublish;
    }

    public long lastPublishTime() {
        return lastPublishTime;
    }

    public long adoptedVersion() {
        return adoptedVersion;
    }

    /** Restores the event time and the parked windows of a checkpoint. */
    public void restoreEventTime(long eventTime, List<WindowBatch> parkedWindows) {
        this.eventTime = eventTime;
        parked.clear();
        for (WindowBatch b : parkedWindows) {
            parked.put(b.start(), b);
        }
    }

    /** Restores the counters of a checkpoint (the network and metrics are restored by their owners). */
    public void restoreCounters(long examplesSeen, long windowStart, long lateRecords, long version,
                                long updatesSincePublish, long lastPublishTime, long adoptedVersion) {
        this.examplesSeen = examplesSeen;
        this.windowStart = windowStart;
        this.lateRecords = lateRecords;
        this.version = version;
        this.updatesSincePublish = updatesSincePublish;
        this.lastPublishTime = lastPublishTime;
        this.adoptedVersion = adoptedVersion;
    }
}

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

/**
 * One model learning from a stream: the network plus what decides when it updates (the update
 * mode), what it has seen, how well it predicted (prequential: {@link Prequential}'s accuracy and
 * log loss, and the {@link Evaluation} that fits the kind of model), whether its error has
 * drifted ({@link DriftDetector}), and when it is due to be published. Knows nothing of Kafka; the trainer processor feeds it examples in offset order
 * and persists its state, so the same stream always yields the same bits.
 */
public final class OnlineLearner {
    /** No window open yet. */
    public static final long NO_WINDOW = Long.MIN_VALUE;

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
    private long windowStart = NO_WINDOW;
    private long lateRecords;
    private long version;
    private long updatesSincePublish;
    private long lastPublishTime = NO_WINDOW;
    private long adoptedVersion = -1;

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
        Network n = config.hasInitialWeights()
                ? Network.withWeights(config.spec(), config.initialWeights(), config.initialBiases())
                : Network.initialize(config.spec());
        return new OnlineLearner(config, n, new Prequential());
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

    /** Test, then train on one labeled example; see {@link #learn(double[], double, double[], long, long)}. */
    public int learn(double[] x, Label label, long timestamp, long streamTime) {
        return label instanceof Label.Vector v
                ? learn(x, Double.NaN, v.target(), timestamp, streamTime)
                : learn(x, ((Label.Scalar) label).value(), null, timestamp, streamTime);
    }

    /**
     * Test, then train on one example whose record timestamp is {@code timestamp}, the task's
     * stream time being {@code streamTime}. The label is either a number ({@code labelVector}
     * null) or a target vector. Returns how many updates were applied (up to 2: a window closed
     * by this record's stream time, then this record's own update); an update the network refused
     * as non-finite is not among them but in {@link #updatesRefused}.
     */
    public int learn(double[] x, double label, double[] labelVector, long timestamp, long streamTime) {
        int applied = 0;
        UpdateMode mode = config.update();
        if (mode.kind() == UpdateMode.Kind.WINDOW) {
            applied += advanceWindow(Math.max(streamTime, timestamp));
            if (timestamp < windowStart) {
                lateRecords++;
            }
        }
        if (lastPublishTime == NO_WINDOW) {
            lastPublishTime = Math.max(streamTime, timestamp);
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
        return applied;
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

    /**
     * Window mode: applies the open window's averaged gradient once stream time has passed its
     * end, and opens the window holding {@code streamTime}. Safe to call at any stream time (the
     * trainer's stream-time punctuation calls it for every model of its task); the same gradient
     * is applied whether a window closes here or at the model's next example.
     */
    public int closeDueWindow(long streamTime) {
        int applied = advanceWindow(streamTime);
        updatesSincePublish += applied;
        return applied;
    }

    private int advanceWindow(long streamTime) {
        if (config.update().kind() != UpdateMode.Kind.WINDOW) {
            return 0;
        }
        long len = config.update().windowMs();
        int applied = 0;
        if (windowStart != NO_WINDOW && streamTime >= windowStart + len) {
            if (network.applyUpdate()) {
                applied = 1;
            }
            windowStart = NO_WINDOW;
        }
        if (windowStart == NO_WINDOW) {
            windowStart = Math.floorDiv(streamTime, len) * len;
        }
        return applied;
    }

    /** Whether a snapshot should be published now, by count of updates or by stream time. */
    public boolean snapshotDue(long streamTime) {
        if (updatesSincePublish == 0) {
            return false;
        }
        SnapshotPolicy p = config.snapshot();
        return updatesSincePublish >= p.everyUpdates()
                || (lastPublishTime != NO_WINDOW && streamTime - lastPublishTime >= p.everyMs());
    }

    /** Records a publication and returns its version, one more than any seen before. */
    public long markPublished(long streamTime) {
        version++;
        updatesSincePublish = 0;
        lastPublishTime = streamTime;
        return version;
    }

    /**
     * Adopts a model trained elsewhere (a retrain): its weights and optimizer state replace ours,
     * the open batch is dropped, counters continue. Our next version follows theirs.
     */
    public void adopt(Network trained, long trainedVersion) {
        NetworkState.copyParameters(trained, network);
        version = Math.max(version, trainedVersion);
        adoptedVersion = trainedVersion;
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

package io.streamlearn.snapshot;

import io.streamlearn.learn.BackgroundLearner;
import io.streamlearn.learn.NetworkState;
import io.streamlearn.avro.BackgroundState;
import io.streamlearn.avro.DriftState;
import io.streamlearn.avro.EvaluationFigures;
import io.streamlearn.avro.EvaluationState;
import io.streamlearn.avro.LayerSpecRecord;
import io.streamlearn.avro.ScalerState;
import io.streamlearn.avro.LayerWeights;
import io.streamlearn.avro.ModelCheckpoint;
import io.streamlearn.avro.ModelSpecRecord;
import io.streamlearn.avro.OpenWindow;
import io.streamlearn.avro.OptimizerRecord;
import io.streamlearn.avro.OptimizerState;
import io.streamlearn.avro.PrequentialMetrics;
import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.UpdateModeRecord;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.config.DriftPolicy;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.SnapshotPolicy;
import io.streamlearn.config.UpdateMode;
import io.streamlearn.eval.DriftDetector;
import io.streamlearn.eval.Evaluation;
import io.streamlearn.eval.Prequential;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.learn.WindowBatch;
import io.streamlearn.model.Activation;
import io.streamlearn.model.LayerSpec;
import io.streamlearn.model.LossKind;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.Network;
import io.streamlearn.model.OptimizerKind;
import io.streamlearn.model.OptimizerSpec;
import io.streamlearn.model.Scaling;
import io.streamlearn.model.optim.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maps models to the Avro records that carry them (weight snapshots on the weights topic,
 * checkpoints in the state store) and back. Doubles travel as IEEE-754 bits, so a round trip is
 * bit-exact.
 */
public final class SnapshotMapper {
    private SnapshotMapper() {
    }

    public static WeightSnapshot snapshot(OnlineLearner learner, long version, long createdAt, SnapshotSource source,
                                          Long parentVersion) {
        Network n = learner.network();
        Prequential m = learner.metrics();
        WeightSnapshot s = snapshot(learner.config().id(), version, n, learner.config().update(), learner.examplesSeen(), m,
                createdAt, source, parentVersion);
        s.setFigures(figures(learner.evaluation(), learner.drift()));
        return s;
    }

    /** The figures a snapshot publishes: those of the kind of model, null where not measured. */
    static EvaluationFigures figures(Evaluation e, DriftDetector d) {
        Evaluation.Figures c = e.cumulative();
        Evaluation.Figures w = e.windowed();
        return new EvaluationFigures(e.examples(), measured(c.accuracy()), measured(w.accuracy()),
                measured(e.fading().accuracy()), measured(c.logLoss()), measured(w.logLoss()), measured(c.mse()),
                measured(c.mae()), measured(w.mae()), d.warnings(), d.drifts());
    }

    private static Double measured(double v) {
        return Double.isNaN(v) ? null : v;
    }

    public static WeightSnapshot snapshot(String model, long version, Network n, UpdateMode update, long examplesSeen,
                                          Prequential m, long createdAt, SnapshotSource source, Long parentVersion) {
        return WeightSnapshot.newBuilder()
                .setModel(model)
                .setVersion(version)
                .setSpec(specRecord(n.spec(), update))
                .setLayers(layers(n))
                .setOptimizerState(optimizerState(n))
                .setExamplesSeen(examplesSeen)
                .setUpdatesApplied(n.updatesApplied())
                .setUpdatesRefused(n.updatesRefused())
                .setMetrics(new PrequentialMetrics(m.scored(), m.correct(), m.logLossSum(), m.accuracy(), m.logLoss()))
                .setCreatedAt(createdAt)
                .setSource(source)
                .setParentVersion(parentVersion)
                .setScaler(scalerState(n))
                .build();
    }

    public static ModelSpecRecord specRecord(ModelSpec spec, UpdateMode update) {
        List<LayerSpecRecord> layers = new ArrayList<>();
        for (LayerSpec l : spec.layers()) {
            layers.add(new LayerSpecRecord(l.units(), l.activation().name().toLowerCase(Locale.ROOT)));
        }
        OptimizerSpec o = spec.optimizer();
        return new ModelSpecRecord(spec.inputSize(), layers, spec.loss().name().toLowerCase(Locale.ROOT),
                new OptimizerRecord(o.kind().name().toLowerCase(Locale.ROOT), o.learningRate(), o.beta1(), o.beta2(),
                        o.epsilon(), o.momentum(), o.rho(), o.initialAccumulator(), o.schedule().kind().configName(),
                        o.schedule().powerT(), o.schedule().decaySteps(), o.schedule().decayRate()),
                spec.l2(), spec.seed(),
                new UpdateModeRecord(update.kind().configName(), update.batchSize(), update.windowMs()),
                spec.scaling().configName());
    }

    public static ModelSpec spec(ModelSpecRecord r) {
        List<LayerSpec> layers = new ArrayList<>();
        for (LayerSpecRecord l : r.getLayers()) {
            layers.add(new LayerSpec(l.getUnits(), Activation.parse(l.getActivation())));
        }
        OptimizerRecord o = r.getOptimizer();
        LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.Kind.parse(o.getSchedule()),
                o.getPowerT(), o.getDecaySteps(), o.getDecayRate());
        OptimizerSpec opt = new OptimizerSpec(OptimizerKind.parse(o.getKind()), o.getLearningRate(), o.getBeta1(),
                o.getBeta2(), o.getEpsilon(), o.getMomentum(), o.getRho(), o.getInitialAccumulator(), schedule);
        return new ModelSpec(r.getInputSize(), layers, LossKind.parse(r.getLoss()), opt, r.getL2(), r.getSeed(),
                Scaling.parse(r.getScaling()));
    }

    public static UpdateMode updateMode(ModelSpecRecord r) {
        UpdateModeRecord u = r.getUpdateMode();
        return new UpdateMode(UpdateMode.Kind.parse(u.getMode()), u.getBatchSize(), u.getWindowMs());
    }

    /** The network a snapshot describes: weights, biases and optimizer state, ready to score or to train on. */
    public static Network network(WeightSnapshot s) {
        Network n = Network.initialize(spec(s.getSpec()));
        fillParameters(n, s.getLayers(), s.getOptimizerState(), s.getScaler());
        n.restoreState(s.getOptimizerState().getStep(), 0, s.getUpdatesRefused());
        return n;
    }

    /** Weights, biases, optimizer slots and feature statistics as a snapshot (or a background learner) lays them out. */
    private static void fillParameters(Network n, List<LayerWeights> layers, OptimizerState optimizer, ScalerState scaler) {
        if (layers.size() != n.layerCount()) {
            throw new IllegalArgumentException("snapshot has " + layers.size() + " layers, its spec " + n.layerCount());
        }
        List<List<Double>> slots = optimizer.getSlots();
        int k = 0;
        for (int l = 0; l < n.layerCount(); l++) {
            fill(layers.get(l).getWeights(), n.weights(l));
            fill(layers.get(l).getBiases(), n.biases(l));
            for (int sl = 0; sl < n.slotCount(); sl++) {
                fill(slots.get(k++), n.slot(l, false, sl));
                fill(slots.get(k++), n.slot(l, true, sl));
            }
        }
        if ((scaler == null) != (n.scaler() == null)) {
            throw new IllegalArgumentException("its spec says scaling " + n.spec().scaling().configName() + " but it "
                    + (scaler == null ? "carries no" : "carries") + " feature statistics");
        }
        if (scaler != null) {
            n.scaler().importState(scaler.getCount(), doubles(scaler.getStatistics()));
        }
    }

    /** The layers and optimizer slots of a network, laid out as a snapshot's. */
    private static List<LayerWeights> layers(Network n) {
        List<LayerWeights> layers = new ArrayList<>(n.layerCount());
        for (int l = 0; l < n.layerCount(); l++) {
            LayerSpec ls = n.spec().layers().get(l);
            double[] w = n.weights(l);
            layers.add(new LayerWeights(ls.units(), w.length / ls.units(), copy(w), copy(n.biases(l))));
        }
        return layers;
    }

    private static OptimizerState optimizerState(Network n) {
        List<List<Double>> slots = new ArrayList<>();
        for (int l = 0; l < n.layerCount(); l++) {
            for (int s = 0; s < n.slotCount(); s++) {
                slots.add(copy(n.slot(l, false, s)));
                slots.add(copy(n.slot(l, true, s)));
            }
        }
        return new OptimizerState(n.updatesApplied(), slots);
    }

    private static ScalerState scalerState(Network n) {
        return n.scaler() == null ? null : new ScalerState(n.scaler().count(), copy(n.scaler().exportState()));
    }

    /** The open batch: per layer the weight gradient, then the bias gradient. */
    private static List<List<Double>> pendingGradient(Network n) {
        List<List<Double>> pending = new ArrayList<>();
        for (int l = 0; l < n.layerCount(); l++) {
            pending.add(copy(n.pendingWeightGradient(l)));
            pending.add(copy(n.pendingBiasGradient(l)));
        }
        return pending;
    }

    /** The open batch's input maxima per layer; empty for an optimizer that does not normalize. */
    private static List<List<Double>> pendingInputMax(Network n) {
        List<List<Double>> inputMax = new ArrayList<>();
        for (int l = 0; l < n.layerCount(); l++) {
            if (n.pendingInputMax(l) != null) {
                inputMax.add(copy(n.pendingInputMax(l)));
            }
        }
        return inputMax;
    }

    private static void fillPending(Network n, List<List<Double>> pending, List<List<Double>> inputMax) {
        for (int l = 0; l < n.layerCount(); l++) {
            fill(pending.get(2 * l), n.pendingWeightGradient(l));
            fill(pending.get(2 * l + 1), n.pendingBiasGradient(l));
        }
        if (!inputMax.isEmpty() && n.pendingInputMax(0) != null) {
            for (int l = 0; l < n.layerCount(); l++) {
                fill(inputMax.get(l), n.pendingInputMax(l));
            }
        }
    }

    private static BackgroundState backgroundState(BackgroundLearner b) {
        if (b == null) {
            return null;
        }
        Network n = b.network();
        return new BackgroundState(b.startedAt(), b.examples(), b.errorSum(), b.foregroundErrorSum(), layers(n),
                optimizerState(n), n.updatesRefused(), scalerState(n), n.pendingCount(), pendingGradient(n),
                pendingInputMax(n));
    }

    /**
     * The background learner of a checkpoint, on a network built as the model's would be and
     * filled with its state; null when there was none, when the model restarts with another drift
     * action, or with another optimizer, L2 or update mode than it ran with (its state would not
     * continue; the next warning starts a new one).
     */
    private static BackgroundLearner background(BackgroundState b, ModelConfig config, boolean sameLearning) {
        if (b == null || !sameLearning || config.drift().action() != DriftPolicy.Action.BACKGROUND) {
            return null;
        }
        Network n = Network.initialize(config.spec());
        fillParameters(n, b.getLayers(), b.getOptimizerState(), b.getScaler());
        fillPending(n, b.getPendingGradient(), b.getPendingInputMax());
        n.restoreState(b.getOptimizerState().getStep(), b.getPendingCount(), b.getUpdatesRefused());
        BackgroundLearner learner = new BackgroundLearner(n, b.getStartedAt());
        learner.restoreCounters(b.getExamples(), b.getErrorSum(), b.getForegroundErrorSum());
        return learner;
    }

    private static double[] doubles(List<Double> values) {
        double[] out = new double[values.size()];
        fill(values, out);
        return out;
    }

    private static long[] longs(List<Long> values) {
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static List<Long> copy(long[] values) {
        List<Long> out = new ArrayList<>(values.length);
        for (long v : values) {
            out.add(v);
        }
        return out;
    }

    public static ModelCheckpoint checkpoint(OnlineLearner learner) {
        Network n = learner.network();
        Evaluation e = learner.evaluation();
        DriftDetector d = learner.drift();
        return ModelCheckpoint.newBuilder()
                .setSnapshot(snapshot(learner, learner.version(), learner.lastPublishTime(), SnapshotSource.LIVE, null))
                .setPendingInputMax(pendingInputMax(n))
                .setEvaluation(new EvaluationState(copy(e.exportCounters()), copy(e.exportSums())))
                .setDrift(new DriftState(copy(d.exportCounters()), copy(d.warningWindow().exportCounters()),
                        copy(d.warningWindow().exportSums()), copy(d.driftWindow().exportCounters()),
                        copy(d.driftWindow().exportSums())))
                .setPendingCount(n.pendingCount())
                .setPendingGradient(pendingGradient(n))
                .setWindowStart(learner.windowStart())
                .setLateRecords(learner.lateRecords())
                .setUpdatesSincePublish(learner.updatesSincePublish())
                .setLastPublishTime(learner.lastPublishTime())
                .setAdoptedVersion(learner.adoptedVersion())
                .setEventTime(learner.eventTime())
                .setOpenWindows(openWindows(learner))
                .setBackground(backgroundState(learner.background()))
                .build();
    }

    private static List<OpenWindow> openWindows(OnlineLearner learner) {
        List<OpenWindow> out = new ArrayList<>();
        for (WindowBatch b : learner.parkedWindows()) {
            List<List<Double>> gradient = new ArrayList<>();
            for (double[] g : b.gradient()) {
                gradient.add(copy(g));
            }
            List<List<Double>> inputMax = new ArrayList<>();
            for (double[] m : b.inputMax()) {
                inputMax.add(copy(m));
            }
            out.add(new OpenWindow(b.start(), b.count(), gradient, inputMax));
        }
        return out;
    }

    private static List<WindowBatch> windowBatches(ModelCheckpoint c, Network n) {
        List<WindowBatch> out = new ArrayList<>();
        for (OpenWindow w : c.getOpenWindows()) {
            double[][] gradient = new double[w.getGradient().size()][];
            for (int i = 0; i < gradient.length; i++) {
                gradient[i] = doubles(w.getGradient().get(i));
            }
            // The optimizer may have changed since (no input maxima then, or new ones): the declared one decides.
            double[][] inputMax = new double[n.pendingInputMax(0) == null ? 0 : n.layerCount()][];
            for (int l = 0; l < inputMax.length; l++) {
                inputMax[l] = l < w.getInputMax().size() ? doubles(w.getInputMax().get(l)) : new double[n.pendingInputMax(l).length];
            }
            out.add(new WindowBatch(w.getStart(), w.getCount(), gradient, inputMax));
        }
        return out;
    }

    /**
     * Rebuilds a learner from its checkpoint, with the configuration it runs under now. Its shape
     * and loss must be the checkpoint's ({@link SnapshotFit#mismatch}); what it learns with may
     * have changed since: a new learning rate or L2 applies from the next update; a new optimizer
     * starts its state (and step count) afresh on the learned weights; a new update mode drops the
     * open batch or window.
     */
    public static OnlineLearner learner(ModelCheckpoint c, ModelConfig config) {
        WeightSnapshot s = c.getSnapshot();
        Network stored = network(s);
        ModelSpec declared = config.spec();
        Network n = stored;
        if (!stored.spec().optimizer().equals(declared.optimizer()) || stored.spec().l2() != declared.l2()) {
            n = Network.initialize(declared);
            NetworkState.copyParameters(stored, n);
        }
        boolean sameMode = updateMode(s.getSpec()).equals(config.update());
        if (sameMode) {
            fillPending(n, c.getPendingGradient(), c.getPendingInputMax());
        }
        n.restoreState(n == stored ? s.getOptimizerState().getStep() : n.updatesApplied(),
                sameMode ? c.getPendingCount() : 0, s.getUpdatesRefused());
        PrequentialMetrics pm = s.getMetrics();
        OnlineLearner learner = new OnlineLearner(config, n, new Prequential(pm.getScored(), pm.getCorrect(), pm.getLogLossSum()));
        restoreEvaluation(c, learner);
        learner.restoreCounters(s.getExamplesSeen(), sameMode ? c.getWindowStart() : OnlineLearner.NO_WINDOW,
                c.getLateRecords(), s.getVersion(), c.getUpdatesSincePublish(), c.getLastPublishTime(), c.getAdoptedVersion());
        // Written before models kept their own clocks: the open window's start, which that clock had reached (none
        // outside window mode), is the best lower bound of the model's event time there is.
        learner.restoreEventTime(c.getEventTime() != null ? c.getEventTime() : c.getWindowStart(),
                sameMode ? windowBatches(c, n) : List.of());
        learner.restoreBackground(background(c.getBackground(), config, n == stored && sameMode));
        return learner;
    }

    /** The evaluation and drift detector as checkpointed; a checkpoint from before they existed leaves them fresh. */
    private static void restoreEvaluation(ModelCheckpoint c, OnlineLearner learner) {
        EvaluationState e = c.getEvaluation();
        if (e != null) {
            learner.evaluation().importState(longs(e.getCounters()), doubles(e.getSums()));
        }
        DriftState d = c.getDrift();
        if (d != null) {
            DriftDetector detector = learner.drift();
            detector.importCounters(longs(d.getCounters()));
            detector.warningWindow().importState(longs(d.getWarningCounters()), doubles(d.getWarningSums()));
            detector.driftWindow().importState(longs(d.getDriftCounters()), doubles(d.getDriftSums()));
        }
    }

    /** A model configuration reconstructed from a snapshot alone (retrain and tools that only see the topic). */
    public static ModelConfig modelConfig(WeightSnapshot s) {
        return new ModelConfig(s.getModel(), spec(s.getSpec()), updateMode(s.getSpec()), SnapshotPolicy.defaults(), null, null);
    }

    private static List<Double> copy(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    private static void fill(List<Double> src, double[] dst) {
        if (src.size() != dst.length) {
            throw new IllegalArgumentException("array of " + src.size() + " values where " + dst.length + " are needed");
        }
        for (int i = 0; i < dst.length; i++) {
            dst[i] = src.get(i);
        }
    }
}

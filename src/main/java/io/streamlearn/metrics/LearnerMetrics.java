package io.streamlearn.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.eval.Prequential;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.topology.TopologyListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The learner's meters, fed by the topology as it works. Names are lowercase and dotted; tags
 * are bounded: a model id (declared in the configuration), a dead-letter reason (an enum), a
 * topic (one of the configured five).
 *
 * <ul>
 *   <li>{@code streamlearn.examples.trained}, {@code streamlearn.updates.applied}: counters per model</li>
 *   <li>{@code streamlearn.updates.refused}: updates refused per model because they would have made a weight,
 *       bias or optimizer state NaN or infinite (the previous weights stay)</li>
 *   <li>{@code streamlearn.prequential.accuracy}, {@code streamlearn.prequential.log.loss}: running, per model</li>
 *   <li>{@code streamlearn.prequential.window.accuracy}, {@code streamlearn.prequential.window.log.loss}: over
 *       the last {@value #WINDOW} examples</li>
 *   <li>{@code streamlearn.model.version}, {@code streamlearn.snapshot.age}: newest published version and its age</li>
 *   <li>{@code streamlearn.drift.background.swaps}: {@code drift.action: background}, background learners
 *       swapped in at a drift, counted by this instance</li>
 *   <li>{@code streamlearn.late.records}: window mode, records whose window had closed, dead-lettered LATE</li>
 *   <li>{@code streamlearn.dead.letters}: counter by source topic and the reason the dead letter carries (TOO_LARGE
 *       for one cut to fit, whatever it was refused for first)</li>
 *   <li>{@code streamlearn.scoring}: timer of scoring one event, with percentiles</li>
 *   <li>{@code streamlearn.snapshots.rejected}: snapshots on the weights topic that do not fit the configured
 *       model (untagged: their keys are not a bounded set)</li>
 *   <li>{@code streamlearn.records.unwritable}: records Kafka refused to take from the learner, by
 *       {@code topic} (a kind: scored-events, dead-letters, weights, changelog, repartition, other) and
 *       {@code outcome} (skipped: the learner went on without it; stopped: the learner stopped)</li>
 * </ul>
 */
public final class LearnerMetrics implements TopologyListener, MeterBinder {
    static final int WINDOW = 1000;

    private final Map<String, ModelMeters> models = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, Timer> scoring = new ConcurrentHashMap<>();
    private final Map<String, Counter> unwritable = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;
    private volatile Counter rejectedSnapshots;

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            throw new IllegalStateException("bind LearnerMetrics to a registry before starting the topology");
        }
        return r;
    }

    /** The meters of one model, created on its first example. */
    private final class ModelMeters {
        final Counter trained;
        final Counter updates;
        final Counter refused;
        final Counter swaps;
        /** Verdicts as 1 (right) and 0 (wrong): their mean is the window's accuracy. */
        final RecentMean recent = new RecentMean(WINDOW);
        final RecentMean recentLoss = new RecentMean(WINDOW);
        volatile double accuracy;
        volatile double logLoss;
        /** The learner's own evaluation (per kind of model) and drift counts: NaN where not measured. */
        volatile double fadingAccuracy = Double.NaN;
        volatile double mse = Double.NaN;
        volatile double mae = Double.NaN;
        volatile long drifts;
        volatile long warnings;
        volatile long version;
        volatile long lateRecords;
        volatile long publishedAtMillis;
        /** The model's learner's counters as last reported. */
        final Verdicts verdicts = new Verdicts();
        /** A data-parallel model's replicas', by replica id. */
        private final Map<Integer, Verdicts> replicas = new HashMap<>();

        /**
         * One replica's example: its verdict joins the window as one task's would, and the model's
         * figures are those of every replica's examples together (replicas run on several threads).
         */
        synchronized void replicaLearned(int replica, Prequential p) {
            replicas.computeIfAbsent(replica, r -> new Verdicts()).advance(p, recent, recentLoss);
            long scored = 0;
            long correct = 0;
            double loss = 0;
            for (Verdicts v : replicas.values()) {
                scored += v.scored;
                correct += v.correct;
                loss += v.lossSum;
            }
            accuracy = scored == 0 ? 0 : (double) correct / scored;
            logLoss = scored == 0 ? 0 : loss / scored;
        }

        ModelMeters(String model) {
            MeterRegistry r = registry();
            trained = Counter.builder("streamlearn.examples.trained").tag("model", model)
                    .description("Labeled examples learned from").register(r);
            updates = Counter.builder("streamlearn.updates.applied").tag("model", model)
                    .description("Weight updates applied").register(r);
            refused = Counter.builder("streamlearn.updates.refused").tag("model", model)
                    .description("Weight updates refused because they would have made a weight, bias or optimizer"
                            + " state NaN or infinite; the previous weights stay").register(r);
            swaps = Counter.builder("streamlearn.drift.background.swaps").tag("model", model)
                    .description("drift.action background: background learners swapped in at a drift").register(r);
            Gauge.builder("streamlearn.prequential.accuracy", this, m -> m.accuracy).tag("model", model)
                    .description("Test-then-train accuracy since the start").register(r);
            Gauge.builder("streamlearn.prequential.log.loss", this, m -> m.logLoss).tag("model", model)
                    .description("Test-then-train log loss since the start").register(r);
            Gauge.builder("streamlearn.prequential.window.accuracy", recent, RecentMean::mean).tag("model", model)
                    .description("Test-then-train accuracy over the last " + WINDOW + " examples").register(r);
            Gauge.builder("streamlearn.prequential.window.log.loss", recentLoss, RecentMean::mean).tag("model", model)
                    .description("Test-then-train log loss over the last " + WINDOW + " examples").register(r);
            Gauge.builder("streamlearn.prequential.fading.accuracy", this, m -> m.fadingAccuracy).tag("model", model)
                    .description("Test-then-train accuracy with a fading factor of 0.999 (NaN for a regression)").register(r);
            Gauge.builder("streamlearn.prequential.mse", this, m -> m.mse).tag("model", model)
                    .description("Test-then-train mean squared error since the start (regressions, vector labels; else NaN)")
                    .register(r);
            Gauge.builder("streamlearn.prequential.mae", this, m -> m.mae).tag("model", model)
                    .description("Test-then-train mean absolute error since the start (regressions, vector labels; else NaN)")
                    .register(r);
            Gauge.builder("streamlearn.drift.detected", this, m -> m.drifts).tag("model", model)
                    .description("Rises of the prequential error ADWIN detected (drift level), since the model started")
                    .register(r);
            Gauge.builder("streamlearn.drift.warnings", this, m -> m.warnings).tag("model", model)
                    .description("Rises of the prequential error at the warning level, since the model started").register(r);
            Gauge.builder("streamlearn.model.version", this, m -> m.version).tag("model", model)
                    .description("Newest version published by this instance").register(r);
            Gauge.builder("streamlearn.snapshot.age", this,
                            m -> m.publishedAtMillis == 0 ? Double.NaN : (System.currentTimeMillis() - m.publishedAtMillis) / 1000.0)
                    .tag("model", model).baseUnit("seconds").description("Time since the last published snapshot").register(r);
            Gauge.builder("streamlearn.late.records", this, m -> m.lateRecords).tag("model", model)
                    .description("Window mode: records whose window had closed (its end plus the grace), dead-lettered LATE")
                    .register(r);
        }
    }

    /** Where one learner's prequential counters stood when it last reported. */
    private static final class Verdicts {
        long scored;
        long correct;
        double lossSum;

        /**
         * Records the verdict of the example just learned into the windows. After a restart the
         * learner's counters jump: only a step of one is one example's verdict, and the growth of the
         * loss sum over that step is its loss.
         */
        void advance(Prequential p, RecentMean recent, RecentMean recentLoss) {
            if (p.scored() <= scored) {
                return;
            }
            if (p.scored() == scored + 1) {
                recent.record(p.correct() > correct ? 1 : 0);
                recentLoss.record(p.logLossSum() - lossSum);
            }
            scored = p.scored();
            correct = p.correct();
            lossSum = p.logLossSum();
        }
    }

    private ModelMeters meters(String model) {
        return models.computeIfAbsent(model, ModelMeters::new);
    }

    @Override
    public void trained(OnlineLearner learner, int updatesApplied) {
        ModelMeters m = meters(learner.config().id());
        m.trained.increment();
        if (updatesApplied > 0) {
            m.updates.increment(updatesApplied);
        }
        if (learner.lastBackgroundOutcome() != null && learner.lastBackgroundOutcome().swapped()) {
            m.swaps.increment();
        }
        var p = learner.metrics();
        m.verdicts.advance(p, m.recent, m.recentLoss);
        m.accuracy = p.accuracy();
        m.logLoss = p.logLoss();
        var e = learner.evaluation();
        m.fadingAccuracy = e.fadingAccuracy();
        m.mse = e.mse();
        m.mae = e.mae();
        m.drifts = learner.drift().drifts();
        m.warnings = learner.drift().warnings();
        m.lateRecords = learner.lateRecords();
        // After a restart the learner continues from a restored version before it publishes again.
        if (learner.version() > m.version) {
            m.version = learner.version();
        }
    }

    @Override
    public void replicaTrained(OnlineLearner replica, int replicaId, int updatesApplied) {
        ModelMeters m = meters(replica.config().id());
        m.trained.increment();
        if (updatesApplied > 0) {
            m.updates.increment(updatesApplied);
        }
        m.replicaLearned(replicaId, replica.metrics());
    }

    @Override
    public void late(OnlineLearner learner) {
        meters(learner.config().id()).lateRecords = learner.lateRecords();
    }

    @Override
    public void updatesRefused(String model, int refused, long refusedSoFar) {
        meters(model).refused.increment(refused);
    }

    @Override
    public void published(String model, long version, long streamTime) {
        ModelMeters m = meters(model);
        m.version = Math.max(m.version, version);
        m.publishedAtMillis = System.currentTimeMillis();
    }

    /**
     * A retired model's meters go: tagged series stay bounded by the catalogue's active models, however
     * many come and go. A model brought back starts its meters afresh (they are this instance's counts).
     */
    @Override
    public void retired(String model) {
        models.remove(model);
        scoring.remove(model);
        MeterRegistry r = registry;
        if (r != null) {
            for (var meter : List.copyOf(r.getMeters())) {
                if (model.equals(meter.getId().getTag("model"))) {
                    r.remove(meter);
                }
            }
        }
    }

    @Override
    public void deadLetter(String sourceTopic, DeadLetterReason reason) {
        deadLetters.computeIfAbsent(sourceTopic + "/" + reason, k -> Counter.builder("streamlearn.dead.letters")
                .tag("topic", sourceTopic).tag("reason", reason.name())
                .description("Records sent to the dead-letter topic").register(registry())).increment();
    }

    @Override
    public void unwritable(String topicKind, boolean skipped) {
        String outcome = skipped ? "skipped" : "stopped";
        unwritable.computeIfAbsent(topicKind + "/" + outcome, k -> Counter.builder("streamlearn.records.unwritable")
                .tag("topic", topicKind).tag("outcome", outcome)
                .description("Records Kafka refused to take from the learner (too large, or otherwise invalid)")
                .register(registry())).increment();
    }

    @Override
    public void snapshotRejected(String model, long version, String reason) {
        // Untagged: the weights topic's keys are whatever its writers chose, not a bounded set of model ids.
        Counter c = rejectedSnapshots;
        if (c == null) {
            c = Counter.builder("streamlearn.snapshots.rejected")
                    .description("Snapshots on the weights topic refused because they do not fit the configured model")
                    .register(registry());
            rejectedSnapshots = c;
        }
        c.increment();
    }

    @Override
    public void scored(String model, long version, double[] features, int label, long nanos) {
        scoring.computeIfAbsent(model, k -> Timer.builder("streamlearn.scoring").tag("model", k)
                .description("Time to score one event").publishPercentiles(0.5, 0.95, 0.99).publishPercentileHistogram(false)
                .minimumExpectedValue(Duration.ofNanos(1_000)).maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry())).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Per-model figures for the HTTP API (the same numbers the gauges show). */
    public Map<String, Object> snapshot(String model) {
        ModelMeters m = models.get(model);
        if (m == null) {
            return Map.of();
        }
        return Map.of("examplesTrained", (long) m.trained.count(), "updatesApplied", (long) m.updates.count(),
                "updatesRefused", (long) m.refused.count(), "accuracy", m.accuracy, "logLoss", m.logLoss, "windowAccuracy", m.recent.mean(),
                "windowLogLoss", m.recentLoss.mean(),
                "version", m.version, "lateRecords", m.lateRecords);
    }

    /**
     * Mean of the last N values, in a ring of doubles (no allocation per value). The sum is
     * recomputed from the ring each time it wraps so that rounding from adding and removing
     * values does not accumulate over a long stream.
     */
    static final class RecentMean {
        private final double[] ring;
        private int next;
        private int size;
        private double sum;

        RecentMean(int n) {
            ring = new double[n];
        }

        synchronized void record(double v) {
            if (size == ring.length) {
                sum -= ring[next];
            } else {
                size++;
            }
            ring[next] = v;
            sum += v;
            next = (next + 1) % ring.length;
            if (next == 0) {
                double exact = 0;
                for (int i = 0; i < size; i++) {
                    exact += ring[i];
                }
                sum = exact;
            }
        }

        synchronized double mean() {
            return size == 0 ? Double.NaN : sum / size;
        }
    }
}

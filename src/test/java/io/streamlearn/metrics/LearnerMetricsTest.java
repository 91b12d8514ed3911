package io.streamlearn.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.testing.PrometheusText;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The learner's meters on a plain registry: every one appears, moves and keeps its tags bounded. */
class LearnerMetricsTest {
    private static final Set<String> MODEL_METERS = Set.of("streamlearn.examples.trained", "streamlearn.updates.applied",
            "streamlearn.updates.refused",
            "streamlearn.prequential.accuracy", "streamlearn.prequential.log.loss",
            "streamlearn.prequential.window.accuracy", "streamlearn.prequential.window.log.loss", "streamlearn.model.version", "streamlearn.snapshot.age",
            "streamlearn.late.records", "streamlearn.prequential.fading.accuracy", "streamlearn.prequential.mse",
            "streamlearn.prequential.mae", "streamlearn.drift.detected", "streamlearn.drift.warnings",
            "streamlearn.drift.background.swaps");

    private final StreamlearnConfig config = ConfigLoader.fromYaml("""
            models:
              - {id: default, inputSize: 2, layers: [{units: 1, activation: sigmoid}], seed: 1}
              - {id: windowed, inputSize: 2, layers: [{units: 1, activation: sigmoid}], update: {mode: window, windowMs: 1000}}
            """, Map.of());
    private SimpleMeterRegistry registry;
    private LearnerMetrics metrics;

    @BeforeEach
    void bind() {
        registry = new SimpleMeterRegistry();
        metrics = new LearnerMetrics();
        metrics.bindTo(registry);
    }

    /** Feeds {@code n} separable examples to {@code learner}, reporting each as the trainer does. */
    private void train(OnlineLearner learner, int n, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian()};
            int applied = learner.learn(x, x[0] + x[1] > 0 ? 1 : 0, null, 1000L + i);
            metrics.trained(learner, applied);
        }
    }

    private double gauge(String name, String model) {
        return registry.get(name).tag("model", model).gauge().value();
    }

    /** drift.action background: a flipped concept answered by a swap is counted once per swap, at 0 before. */
    @Test
    void aBackgroundLearnerSwappedInIsCounted() {
        OnlineLearner learner = OnlineLearner.fresh(ConfigLoader.fromYaml(
                "models:\n  - {id: default, inputSize: 2, drift: {action: background}}\n", Map.of()).model("default"));
        train(learner, 3000, 1);
        assertEquals(0.0, registry.get("streamlearn.drift.background.swaps").tag("model", "default").counter().count());
        Random r = new Random(2);
        long swaps = 0;
        for (int i = 0; i < 1000; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian()};
            metrics.trained(learner, learner.learn(x, x[0] + x[1] > 0 ? 0 : 1, null, 5000L + i));
            swaps += learner.lastBackgroundOutcome() != null && learner.lastBackgroundOutcome().swapped() ? 1 : 0;
        }
        assertTrue(swaps >= 1, "the flip was answered by a swap");
        assertEquals(swaps, registry.get("streamlearn.drift.background.swaps").tag("model", "default").counter().count());
    }

    @Test
    void aRetiredModelsMetersGoAndTheOthersStay() {
        OnlineLearner a = OnlineLearner.fresh(config.model("default"));
        OnlineLearner b = OnlineLearner.fresh(config.model("windowed"));
        train(a, 10, 1);
        train(b, 10, 2);
        metrics.scored("default", 1, new double[] {1, 2}, 1, 1000);
        metrics.retired("default");
        Set<String> tagged = registry.getMeters().stream().map(m -> m.getId().getTag("model")).filter(t -> t != null)
                .collect(Collectors.toSet());
        assertEquals(Set.of("windowed"), tagged);
        assertEquals(10.0, registry.get("streamlearn.examples.trained").tag("model", "windowed").counter().count());
        train(a, 3, 3);
        assertEquals(3.0, registry.get("streamlearn.examples.trained").tag("model", "default").counter().count(),
                "brought back, it counts afresh");
    }

    /**
     * A data-parallel model's replicas report to one model's meters: its examples are every replica's,
     * its prequential accuracy theirs together, not the last replica's to report.
     */
    @Test
    void aParallelModelsReplicasAddUpInItsMeters() {
        OnlineLearner zero = OnlineLearner.fresh(config.model("default"));
        OnlineLearner one = OnlineLearner.fresh(config.model("default"));
        Random r = new Random(9);
        for (int i = 0; i < 300; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian()};
            // Replica 1 learns a third of the examples, with coin-flip labels: its accuracy is far from replica 0's.
            if (i % 3 == 0) {
                metrics.replicaTrained(one, 1, one.learn(x, r.nextInt(2), null, 1000L + i));
            } else {
                metrics.replicaTrained(zero, 0, zero.learn(x, x[0] + x[1] > 0 ? 1 : 0, null, 1000L + i));
            }
        }
        assertEquals(300.0, registry.get("streamlearn.examples.trained").tag("model", "default").counter().count());
        double together = (double) (zero.metrics().correct() + one.metrics().correct())
                / (zero.metrics().scored() + one.metrics().scored());
        assertEquals(together, gauge("streamlearn.prequential.accuracy", "default"), 1e-12);
        assertEquals((zero.metrics().logLossSum() + one.metrics().logLossSum()) / 300,
                gauge("streamlearn.prequential.log.loss", "default"), 1e-12);
        assertTrue(Math.abs(together - zero.metrics().accuracy()) > 0.05 && Math.abs(together - one.metrics().accuracy()) > 0.05,
                "neither replica's own figure: " + together + " " + zero.metrics().accuracy() + " " + one.metrics().accuracy());
    }

    @Test
    void nothingIsRegisteredBeforeTheFirstExample() {
        assertTrue(registry.getMeters().isEmpty(), "meters appear with the first example of a model");
        assertEquals(Map.of(), metrics.snapshot("default"));
    }

    @Test
    void trainingMovesTheCountersAndThePrequentialGauges() {
        OnlineLearner learner = OnlineLearner.fresh(config.model("default"));
        train(learner, 200, 1);

        Set<String> names = registry.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toSet());
        assertEquals(MODEL_METERS, names);
        assertEquals(200, registry.get("streamlearn.examples.trained").tag("model", "default").counter().count());
        assertEquals(200, registry.get("streamlearn.updates.applied").tag("model", "default").counter().count(),
                "stochastic: one update per example");
        assertEquals(learner.metrics().accuracy(), gauge("streamlearn.prequential.accuracy", "default"));
        assertTrue(gauge("streamlearn.prequential.accuracy", "default") > 0.8, "a separable stream is learned");
        assertEquals(learner.metrics().logLoss(), gauge("streamlearn.prequential.log.loss", "default"));
        assertEquals(learner.metrics().accuracy(), gauge("streamlearn.prequential.window.accuracy", "default"), 1e-12,
                "fewer examples than the window: the window is everything");
        assertEquals(0, gauge("streamlearn.model.version", "default"));
        assertTrue(Double.isNaN(gauge("streamlearn.snapshot.age", "default")), "no snapshot yet");
        assertEquals(0, gauge("streamlearn.late.records", "default"));
        assertEquals("seconds", registry.get("streamlearn.snapshot.age").gauge().getId().getBaseUnit());
        assertEquals(learner.evaluation().fadingAccuracy(), gauge("streamlearn.prequential.fading.accuracy", "default"));
        assertTrue(Double.isNaN(gauge("streamlearn.prequential.mse", "default")), "a classifier has no MSE: NaN, not 0");
        assertEquals(learner.drift().drifts(), gauge("streamlearn.drift.detected", "default"));

        Map<String, Object> live = metrics.snapshot("default");
        assertEquals(200L, live.get("examplesTrained"));
        assertEquals(200L, live.get("updatesApplied"));
        assertEquals(0.0, registry.get("streamlearn.updates.refused").tag("model", "default").counter().count(),
                "registered with the model's other meters, at 0, so a rate over it starts from the first example");
        assertEquals(0L, live.get("updatesRefused"));
        assertEquals(learner.metrics().accuracy(), live.get("accuracy"));
    }

    @Test
    void theWindowAccuracyForgetsOldVerdicts() {
        OnlineLearner learner = OnlineLearner.fresh(config.model("default"));
        train(learner, LearnerMetrics.WINDOW + 2000, 2);
        double running = gauge("streamlearn.prequential.accuracy", "default");
        double window = gauge("streamlearn.prequential.window.accuracy", "default");
        assertTrue(window > running, "the last " + LearnerMetrics.WINDOW + " examples (" + window
                + ") are predicted better than the whole stream (" + running + ")");

        // The window's accuracy is the mean of its verdicts, 1 for right and 0 for wrong.
        LearnerMetrics.RecentMean ring = new LearnerMetrics.RecentMean(4);
        assertTrue(Double.isNaN(ring.mean()));
        for (boolean ok : new boolean[] {false, false, true, true, true, true}) {
            ring.record(ok ? 1 : 0);
        }
        assertEquals(1.0, ring.mean(), "the two misses fell out of a window of 4");
        ring.record(0);
        assertEquals(0.75, ring.mean());
    }

    @Test
    void theWindowLogLossForgetsOldLosses() {
        OnlineLearner learner = OnlineLearner.fresh(config.model("default"));
        train(learner, LearnerMetrics.WINDOW + 2000, 12);
        double running = gauge("streamlearn.prequential.log.loss", "default");
        double window = gauge("streamlearn.prequential.window.log.loss", "default");
        assertTrue(window < running, "the last " + LearnerMetrics.WINDOW + " examples (" + window
                + ") cost less than the whole stream (" + running + ")");

        LearnerMetrics.RecentMean ring = new LearnerMetrics.RecentMean(4);
        assertTrue(Double.isNaN(ring.mean()));
        for (double loss : new double[] {9, 7, 0.5, 0.25, 1, 2}) {
            ring.record(loss);
        }
        assertEquals((0.5 + 0.25 + 1 + 2) / 4, ring.mean(), 1e-15, "9 and 7 fell out of a window of 4");
        ring.record(4);
        assertEquals((0.25 + 1 + 2 + 4) / 4, ring.mean(), 1e-15);
    }

    @Test
    void theWindowLogLossIsTheMeanOfEachExamplesOwnLoss() {
        OnlineLearner learner = OnlineLearner.fresh(config.model("default"));
        double[][] xs = {{1, 0}, {-1, 0.5}, {0.3, 2}, {-2, -1}, {0.5, -0.5}};
        int[] labels = {1, 0, 1, 0, 1};
        double expected = 0;
        for (int i = 0; i < xs.length; i++) {
            double[] out = new double[1];
            learner.network().predict(xs[i], out);
            double p = out[0];
            expected += -Math.log(labels[i] == 1 ? p : 1 - p);
            metrics.trained(learner, learner.learn(xs[i], labels[i], null, i));
        }
        assertEquals(expected / xs.length, gauge("streamlearn.prequential.window.log.loss", "default"), 1e-12,
                "each example scored before it is learned, by the model as it was");
        assertEquals(expected / xs.length, (double) metrics.snapshot("default").get("windowLogLoss"), 1e-12);
    }

    @Test
    void publishingSetsTheVersionAndStartsTheSnapshotAge() throws Exception {
        OnlineLearner learner = OnlineLearner.fresh(config.model("default"));
        train(learner, 3, 3);
        metrics.published("default", 7, 1234);
        assertEquals(7, gauge("streamlearn.model.version", "default"));
        Thread.sleep(20);
        double age = gauge("streamlearn.snapshot.age", "default");
        assertTrue(age > 0 && age < 5, "age " + age + " s");
        metrics.published("default", 6, 1300);
        assertEquals(7, gauge("streamlearn.model.version", "default"), "the gauge never goes back");
    }

    @Test
    void aRestoredLearnerReportsItsVersionAndDoesNotPolluteTheWindow() {
        OnlineLearner before = OnlineLearner.fresh(config.model("default"));
        for (int i = 0; i < 3; i++) {
            before.markPublished(i);
        }
        // Its counters already hold examples this process never saw (as after a restart).
        Random r = new Random(4);
        for (int i = 0; i < 50; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian()};
            before.learn(x, x[0] > 0 ? 1 : 0, null, i);
        }
        train(before, 1, 5);
        assertEquals(3, gauge("streamlearn.model.version", "default"));
        assertEquals(1, registry.get("streamlearn.examples.trained").counter().count());
        assertTrue(Double.isNaN(gauge("streamlearn.prequential.window.accuracy", "default")),
                "a jump of 51 verdicts is not one example's verdict");
        assertTrue(Double.isNaN(gauge("streamlearn.prequential.window.log.loss", "default")),
                "nor is the growth of the loss sum over 51 examples one example's loss");
        train(before, 1, 6);
        assertTrue(Double.isFinite(gauge("streamlearn.prequential.window.accuracy", "default")));
    }

    @Test
    void lateRecordsAreCountedInWindowMode() {
        OnlineLearner learner = OnlineLearner.fresh(config.model("windowed"));
        metrics.trained(learner, learner.learn(new double[] {1, 1}, 1, null, 10_000));
        metrics.trained(learner, learner.learn(new double[] {1, 1}, 1, null, 12_500));
        // As the trainer refuses one: the window of 9000 closed before 12500, so it is counted, not learned.
        assertTrue(learner.closedWindowOf(9_000) != null);
        learner.countLate();
        metrics.late(learner);
        assertEquals(1, gauge("streamlearn.late.records", "windowed"));
        assertNull(registry.find("streamlearn.late.records").tag("model", "default").gauge(),
                "only models that trained here have meters");
    }

    @Test
    void deadLettersAreCountedByTopicAndReason() {
        metrics.deadLetter("examples", DeadLetterReason.UNDECODABLE);
        metrics.deadLetter("examples", DeadLetterReason.UNDECODABLE);
        metrics.deadLetter("events", DeadLetterReason.WRONG_DIMENSION);
        Counter undecodable = registry.get("streamlearn.dead.letters")
                .tags("topic", "examples", "reason", "UNDECODABLE").counter();
        assertEquals(2, undecodable.count());
        assertEquals(1, registry.get("streamlearn.dead.letters").tags("topic", "events", "reason", "WRONG_DIMENSION")
                .counter().count());
        assertEquals(2, registry.find("streamlearn.dead.letters").counters().size());
    }

    @Test
    void refusedSnapshotsAreCountedWithoutTagsFromTheirKeys() {
        assertNull(registry.find("streamlearn.snapshots.rejected").counter(), "nothing before the first refusal");
        for (int i = 0; i < 50; i++) {
            metrics.snapshotRejected("stranger-" + i, i, "model 'stranger-" + i + "' is not configured here");
        }
        metrics.snapshotRejected("default", 3, "2 layers, configured 1");
        Counter rejected = registry.get("streamlearn.snapshots.rejected").counter();
        assertEquals(51, rejected.count());
        assertEquals(1, registry.find("streamlearn.snapshots.rejected").counters().size(), "one counter, whatever the keys");
        assertTrue(rejected.getId().getTags().isEmpty(), rejected.getId().toString());
    }

    @Test
    void refusedUpdatesAreCountedPerModel() {
        OnlineLearner learner = OnlineLearner.fresh(config.model("default"));
        train(learner, 3, 11);
        metrics.updatesRefused("default", 1, 1);
        metrics.updatesRefused("default", 2, 3);
        metrics.updatesRefused("windowed", 1, 41);
        assertEquals(3, registry.get("streamlearn.updates.refused").tag("model", "default").counter().count());
        assertEquals(1, registry.get("streamlearn.updates.refused").tag("model", "windowed").counter().count(),
                "counts refusals seen by this process, not the model's persisted total");
        assertEquals(3, registry.get("streamlearn.updates.applied").tag("model", "default").counter().count(),
                "a refused update is not an applied one");
        assertEquals(3L, metrics.snapshot("default").get("updatesRefused"));
    }

    @Test
    void scoringIsTimedWithPercentiles() {
        for (int i = 1; i <= 100; i++) {
            metrics.scored("default", 3, new double[] {i, -i}, i % 2, i * 1_000L);
        }
        Timer t = registry.get("streamlearn.scoring").tag("model", "default").timer();
        assertEquals(100, t.count());
        assertEquals(5_050_000, t.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS), 1);
        ValueAtPercentile[] p = t.takeSnapshot().percentileValues();
        assertEquals(List.of(0.5, 0.95, 0.99), java.util.Arrays.stream(p).map(ValueAtPercentile::percentile).toList());
        double p99 = p[2].value(java.util.concurrent.TimeUnit.MICROSECONDS);
        assertTrue(p99 >= 90 && p99 <= 110, "p99 " + p99 + " µs");
    }

    @Test
    void tagsStayBoundedWhateverTheTraffic() {
        OnlineLearner learner = OnlineLearner.fresh(config.model("default"));
        train(learner, 10, 7);
        metrics.scored("default", 1, new double[] {0, 0}, 0, 1000);
        for (String topic : List.of("examples", "events")) {
            for (DeadLetterReason reason : DeadLetterReason.values()) {
                metrics.deadLetter(topic, reason);
            }
        }
        int meters = registry.getMeters().size();
        Random r = new Random(8);
        for (int i = 0; i < 5000; i++) {
            double[] x = {r.nextGaussian() * 1e6, r.nextGaussian()};
            metrics.scored("default", i, x, r.nextInt(2), r.nextInt(1_000_000));
            metrics.deadLetter(i % 2 == 0 ? "examples" : "events",
                    DeadLetterReason.values()[r.nextInt(DeadLetterReason.values().length)]);
        }
        train(learner, 1000, 9);
        assertEquals(meters, registry.getMeters().size(), "no tag takes values from the data");
        // 15 per model, the timer and its 3 percentile gauges, 2 topics x the reasons
        assertEquals(MODEL_METERS.size() + 1 + 3 + 2 * DeadLetterReason.values().length, meters);
        for (Meter m : registry.getMeters()) {
            for (var tag : m.getId().getTags()) {
                boolean percentile = m.getId().getName().equals("streamlearn.scoring.percentile") && tag.getKey().equals("phi");
                assertTrue(percentile || Set.of("model", "topic", "reason").contains(tag.getKey()),
                        "tag " + tag + " on " + m.getId());
            }
        }
    }

    @Test
    void anUnboundBinderSaysSo() {
        LearnerMetrics unbound = new LearnerMetrics();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> unbound.deadLetter("events", DeadLetterReason.NULL_VALUE));
        assertTrue(e.getMessage().contains("bind"), e.getMessage());
    }

    @Test
    void prometheusNamesFollowTheConventions() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LearnerMetrics m = new LearnerMetrics();
        m.bindTo(prometheus);
        OnlineLearner learner = OnlineLearner.fresh(config.model("default"));
        Random r = new Random(10);
        for (int i = 0; i < 20; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian()};
            m.trained(learner, learner.learn(x, x[0] > 0 ? 1 : 0, null, i));
        }
        m.published("default", 1, 20);
        m.scored("default", 1, new double[] {1, 2}, 1, 50_000);
        m.deadLetter("events", DeadLetterReason.NON_FINITE_VALUE);

        PrometheusText text = PrometheusText.parse(prometheus.scrape());
        Map<String, String> model = Map.of("model", "default");
        assertEquals(20, text.value("streamlearn_examples_trained_total", model));
        assertEquals(20, text.value("streamlearn_updates_applied_total", model));
        assertEquals(0, text.value("streamlearn_updates_refused_total", model));
        m.updatesRefused("default", 1, 1);
        assertEquals(1, PrometheusText.parse(prometheus.scrape()).value("streamlearn_updates_refused_total", model));
        assertEquals(learner.metrics().accuracy(), text.value("streamlearn_prequential_accuracy", model), 1e-9);
        assertEquals(learner.metrics().logLoss(), text.value("streamlearn_prequential_log_loss", model), 1e-9);
        assertNotNull(text.value("streamlearn_prequential_window_accuracy", model));
        assertTrue(text.value("streamlearn_prequential_window_log_loss", model) > 0);
        assertEquals(1, text.value("streamlearn_model_version", model));
        assertTrue(text.value("streamlearn_snapshot_age_seconds", model) >= 0);
        assertEquals(0, text.value("streamlearn_late_records", model));
        assertEquals(1, text.value("streamlearn_dead_letters_total", Map.of("topic", "events", "reason", "NON_FINITE_VALUE")));
        assertEquals(1, text.value("streamlearn_scoring_seconds_count", model));
        assertEquals(5e-5, text.value("streamlearn_scoring_seconds_sum", model), 1e-12);
        assertEquals(3, text.samples("streamlearn_scoring_seconds").size(), "quantiles 0.5, 0.95, 0.99");
        assertEquals("summary", text.types().get("streamlearn_scoring_seconds"));
        assertEquals("counter", text.types().get("streamlearn_examples_trained_total"));
        prometheus.close();
    }
}

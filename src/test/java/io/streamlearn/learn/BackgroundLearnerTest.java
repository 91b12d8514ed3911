package io.streamlearn.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.config.ConfigException;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.DriftPolicy;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.eval.DriftDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@code drift.action: background} on planted changes: a learner trained beside the model from a
 * warning (or from a drift that found none training) is swapped in at a drift when it did better
 * over the same examples, and the model then does better after the change than under
 * {@code report}; when it did worse the model keeps its own weights, bit for bit those of a
 * {@code report} run.
 */
class BackgroundLearnerTest {
    private static final int STEADY = 3000;

    static ModelConfig model(String action) {
        return ConfigLoader.fromYaml("defaultModel: m\nmodels:\n  - id: m\n    inputSize: 2\n    drift: {action: " + action + "}\n",
                Map.of()).model("m");
    }

    /** A run over 5000 examples whose labels flip after {@link #STEADY} where {@code flippedWhere} holds. */
    private record Run(OnlineLearner learner, double accuracyAfter, List<String> events, List<BackgroundLearner.Outcome> outcomes) {
    }

    private static Run run(String action, Predicate<double[]> flippedWhere) {
        OnlineLearner l = OnlineLearner.fresh(model(action));
        Random r = new Random(17);
        long correctAfter = 0;
        List<String> events = new ArrayList<>();
        List<BackgroundLearner.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian()};
            boolean flipped = i >= STEADY && flippedWhere.test(x);
            int y = (x[0] + x[1] > 0) != flipped ? 1 : 0;
            long before = l.metrics().correct();
            boolean hadBackground = l.background() != null;
            l.learn(x, y, null, i);
            if (i >= STEADY && i < STEADY + 1000) {
                correctAfter += l.metrics().correct() - before;
            }
            if (l.lastSignal() == DriftDetector.Signal.WARNING && !hadBackground && l.background() != null) {
                events.add("started at warning " + l.examplesSeen());
            }
            if (l.lastBackgroundOutcome() != null) {
                outcomes.add(l.lastBackgroundOutcome());
                events.add(l.lastBackgroundOutcome().verdict() + " " + l.examplesSeen());
            }
        }
        return new Run(l, correctAfter / 1000.0, events, outcomes);
    }

    @Test
    void aFlippedConceptIsAnsweredByTheBackgroundLearnerSwappedInAtTheNextDrift() {
        Run report = run("report", x -> true);
        Run background = run("background", x -> true);
        // The flip is so abrupt that ADWIN cuts both windows at the same check: the first drift
        // starts the background learner, the next drift swaps it in.
        List<BackgroundLearner.Outcome> o = background.outcomes();
        assertEquals(BackgroundLearner.Verdict.NONE, o.get(0).verdict(), background.events().toString());
        BackgroundLearner.Outcome swap = o.get(1);
        assertTrue(swap.swapped(), background.events().toString());
        assertTrue(swap.examples() >= DriftPolicy.MIN_BACKGROUND_EXAMPLES && swap.error() < swap.foregroundError(), swap.toString());
        assertTrue(swap.describe().endsWith(" swapped in") && swap.describe().startsWith("background learner (started at example "),
                swap.describe());
        assertNull(background.learner().background(), "dropped once swapped in");
        assertTrue(background.accuracyAfter() > report.accuracyAfter() + 0.1,
                "after the flip: background " + background.accuracyAfter() + " vs report " + report.accuracyAfter());
        // Counters go on: the swap replaced the weights, not the model's history.
        assertEquals(5000, background.learner().examplesSeen());
        assertEquals(5000, background.learner().evaluation().examples());
    }

    @Test
    void aShiftedBoundaryIsAnsweredByALearnerStartedAtTheWarningAndSwappedInAtTheDrift() {
        // The boundary moves from x0 + x1 = 0 to x0 + x1 = 1: the model's error rises to about
        // 0.2, first a warning, then (one ADWIN check later) a drift.
        Predicate<double[]> band = x -> x[0] + x[1] > 0 && x[0] + x[1] <= 1;
        Run report = run("report", band);
        Run background = run("background", band);
        assertTrue(background.events().get(0).startsWith("started at warning"), background.events().toString());
        BackgroundLearner.Outcome first = background.outcomes().get(0);
        assertTrue(first.swapped(), background.events().toString());
        assertEquals(background.events().get(1), "SWAPPED " + (first.startedAt() + first.examples()), "settled at the drift");
        assertTrue(first.error() < first.foregroundError(), first.toString());
        assertTrue(background.accuracyAfter() > report.accuracyAfter() + 0.02,
                "after the shift: background " + background.accuracyAfter() + " vs report " + report.accuracyAfter());
    }

    @Test
    void aBackgroundLearnerStartedAtAWarningThatDoesWorseIsNotSwappedIn() {
        // A small region flips: the model's error rises gently (a warning, then a drift), while a
        // network trained from scratch over the few examples between does worse than the model.
        Predicate<double[]> region = x -> x[0] > 0.7;
        Run report = run("report", region);
        Run background = run("background", region);
        assertTrue(background.events().get(0).startsWith("started at warning"), background.events().toString());
        assertTrue(background.outcomes().stream().anyMatch(o -> o.verdict() == BackgroundLearner.Verdict.NOT_BETTER),
                background.events().toString());
        assertTrue(background.outcomes().stream().noneMatch(BackgroundLearner.Outcome::swapped), background.events().toString());
        // Never swapped: the model is, bit for bit, the one a report run ends with.
        for (int layer = 0; layer < report.learner().network().layerCount(); layer++) {
            assertArrayEquals(report.learner().network().weights(layer), background.learner().network().weights(layer), 0.0);
        }
        assertEquals(report.accuracyAfter(), background.accuracyAfter());
    }

    @Test
    void windowUpdatesRefuseTheBackgroundAction() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> ConfigLoader.fromYaml(
                "models:\n  - id: default\n    inputSize: 2\n    update: {mode: window, windowMs: 1000}\n    drift: {action: background}\n",
                Map.of()));
        assertTrue(e.getMessage().contains("drift.action: background needs update mode stochastic or count"), e.getMessage());
        ConfigException unknown = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> ConfigLoader.fromYaml(
                "models:\n  - id: default\n    inputSize: 2\n    drift: {action: swap}\n", Map.of()));
        assertTrue(unknown.getMessage().contains("report, reset or background"), unknown.getMessage());
        assertNotNull(model("background"));
        assertEquals(DriftPolicy.Action.BACKGROUND, model("background").drift().action());
    }

    /**
     * With a background learner training, learning an example still allocates nothing: one
     * 16-byte object per example would show as kilobytes over the rounds.
     */
    @Test
    void learningBesideABackgroundLearnerAllocatesNothing() {
        var plain = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(plain instanceof com.sun.management.ThreadMXBean, "no allocation counter");
        var bean = (com.sun.management.ThreadMXBean) plain;
        org.junit.jupiter.api.Assumptions.assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
        ModelConfig c = model("background");
        OnlineLearner l = OnlineLearner.fresh(c);
        Random r = new Random(5);
        double[][] xs = new double[1800][];
        int[] ys = new int[xs.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = new double[] {r.nextGaussian(), r.nextGaussian()};
            ys[i] = xs[i][0] + xs[i][1] > 0 ? 1 : 0;
        }
        for (int i = 0; i < 500; i++) {
            l.learn(xs[i], ys[i], null, i);
        }
        l.restoreBackground(new BackgroundLearner(OnlineLearner.initialNetwork(c), l.examplesSeen()));
        for (int i = 500; i < 1000; i++) { // warm up: class loading and compilation
            l.learn(xs[i], ys[i], null, i);
        }
        long thread = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(thread);
        for (int i = 1000; i < xs.length; i++) {
            l.learn(xs[i], ys[i], null, i);
        }
        long allocated = bean.getThreadAllocatedBytes(thread) - before;
        assertNotNull(l.background(), "the background learner trained throughout");
        assertEquals(1300, l.background().examples());
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes in 800 examples");
    }
}

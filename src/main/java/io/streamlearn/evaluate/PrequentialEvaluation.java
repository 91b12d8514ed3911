package io.streamlearn.evaluate;

import io.streamlearn.eval.DriftDetector;
import io.streamlearn.eval.Evaluation;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Label;
import io.streamlearn.model.Network;
import io.streamlearn.model.RecordCheck;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Prequential (test-then-train) evaluation of models side by side over one stream, without a
 * broker: each example is given to every model in turn, which scores it and then learns from it
 * through the same {@link OnlineLearner} the Kafka topology runs, so a figure here is the figure
 * the live learner would report on the same examples in the same order. Several passes
 * (epochs) and a held-out share scored at the end serve the tutorial's batch-size comparison;
 * full batch makes its one update at the end of each pass.
 */
public final class PrequentialEvaluation {
    private PrequentialEvaluation() {
    }

    /**
     * The examples in the order of the first pass, without a holdout: what another tool must read
     * to be measured on the same stream.
     */
    public static List<Example> firstPass(Streams.Data data, Options o) {
        if (o.holdout() > 0) {
            throw new IllegalArgumentException("the first pass is written without a holdout");
        }
        List<Example> rows = new ArrayList<>(data.rows());
        if (o.shuffle()) {
            Collections.shuffle(rows, new Random(o.seed()));
        }
        return rows;
    }

    public static List<Result> run(Streams.Data data, List<Candidate> candidates, Options o) {
        List<Example> rows = new ArrayList<>(data.rows());
        List<Example> test = List.of();
        if (o.holdout() > 0) {
            Collections.shuffle(rows, new Random(o.seed()));
            int n = (int) Math.round(rows.size() * o.holdout());
            test = List.copyOf(rows.subList(rows.size() - n, rows.size()));
            rows = new ArrayList<>(rows.subList(0, rows.size() - n));
        }
        int m = candidates.size();
        Run[] runs = new Run[m];
        long total = (long) rows.size() * o.epochs();
        long every = Math.max(1, total / o.curvePoints());
        for (int i = 0; i < m; i++) {
            runs[i] = new Run(candidates.get(i), o.window(), (int) (total / every) + 1);
        }
        long seen = 0;
        for (int epoch = 0; epoch < o.epochs(); epoch++) {
            if (o.shuffle()) {
                Collections.shuffle(rows, new Random(o.seed() + epoch));
            }
            for (Run r : runs) {
                r.startPass();
            }
            for (Example e : rows) {
                long time = seen * o.timeStepMs();
                seen++;
                Label label = Label.of(e.label());
                for (Run r : runs) {
                    r.learn(e.features(), label, time);
                }
                if (seen % every == 0) {
                    for (Run r : runs) {
                        r.samplePoint(seen);
                    }
                }
            }
            for (Run r : runs) {
                r.endPass();
            }
        }
        List<Result> results = new ArrayList<>(m);
        for (Run r : runs) {
            results.add(r.result(test, o));
        }
        return results;
    }

    /** One model's learner, timing and curve. */
    private static final class Run {
        private final Candidate candidate;
        private final OnlineLearner learner;
        private final long[] curveX;
        private final double[] curveY;
        private int points;
        private long nanos;
        private long refused;
        private long warnings;
        private long drifts;
        private long passes;
        private long passStartCount;
        private double passStartSum;

        Run(Candidate candidate, int window, int maxPoints) {
            this.candidate = candidate;
            this.learner = OnlineLearner.fresh(candidate.config(), window);
            this.curveX = new long[maxPoints];
            this.curveY = new double[maxPoints];
        }

        void learn(double[] x, Label label, long time) {
            long start = System.nanoTime();
            if (RecordCheck.example(candidate.name(), learner.config().spec(), x, label) != null) {
                refused++;
                nanos += System.nanoTime() - start;
                return;
            }
            learner.learn(x, label, time);
            DriftDetector.Signal s = learner.lastSignal();
            if (s == DriftDetector.Signal.WARNING) {
                warnings++;
            } else if (s == DriftDetector.Signal.DRIFT) {
                drifts++;
            }
            nanos += System.nanoTime() - start;
        }

        void samplePoint(long seen) {
            Evaluation.Figures w = learner.evaluation().windowed();
            curveX[points] = seen;
            curveY[points++] = learner.evaluation().classifier() ? w.accuracy() : w.mae();
        }

        void startPass() {
            passes++;
            Evaluation ev = learner.evaluation();
            passStartCount = ev.classifier() ? ev.classified() : ev.examples();
            passStartSum = ev.classifier() ? ev.correct() : sum(ev.mae(), ev.examples());
        }

        void endPass() {
            long start = System.nanoTime();
            learner.endOfPass();
            nanos += System.nanoTime() - start;
        }

        private static double sum(double mean, long n) {
            return n == 0 ? 0 : mean * n;
        }

        /** The last pass's accuracy (classifier) or MAE (regression), when there was more than one. */
        private Evaluation.Figures lastPass() {
            Evaluation ev = learner.evaluation();
            if (passes < 2) {
                return new Evaluation.Figures(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            if (ev.classifier()) {
                long n = ev.classified() - passStartCount;
                double acc = n == 0 ? Double.NaN : (ev.correct() - passStartSum) / n;
                return new Evaluation.Figures(n, acc, Double.NaN, Double.NaN, Double.NaN);
            }
            long n = ev.examples() - passStartCount;
            double mae = n == 0 ? Double.NaN : (sum(ev.mae(), ev.examples()) - passStartSum) / n;
            return new Evaluation.Figures(n, Double.NaN, Double.NaN, Double.NaN, mae);
        }

        Result result(List<Example> test, Options o) {
            Evaluation ev = learner.evaluation();
            Evaluation.Figures testFigures = test.isEmpty() ? null : score(test, o);
            double perSecond = nanos == 0 ? Double.NaN : (ev.examples() + refused) / (nanos / 1e9);
            String figure = ev.classifier() ? "windowed accuracy" : "windowed MAE";
            long[] x = java.util.Arrays.copyOf(curveX, points);
            double[] y = java.util.Arrays.copyOf(curveY, points);
            return new Result(candidate, ev, learner.network().updatesApplied(), refused, warnings, drifts, lastPass(),
                    testFigures, perSecond, new Result.Curve(figure, x, y));
        }

        /** The held-out examples, scored by the final weights (nothing learned from them). */
        private Evaluation.Figures score(List<Example> test, Options o) {
            Network n = learner.network();
            Evaluation ev = OnlineLearner.evaluationFor(n.spec(), Math.max(1, test.size()));
            double[] out = new double[n.outputSize()];
            double[] target = new double[n.outputSize()];
            for (Example e : test) {
                if (RecordCheck.example(candidate.name(), n.spec(), e.features(), Label.of(e.label())) != null) {
                    continue;
                }
                n.predict(e.features(), out);
                int predicted = n.predictClass(out);
                if (ev.classifier()) {
                    ev.recordClass(out, predicted, (int) e.label());
                } else {
                    n.target(e.label(), target);
                    ev.recordTarget(out, target, predicted);
                }
            }
            return ev.cumulative();
        }
    }
}

package io.streamlearn.evaluate;

import io.streamlearn.config.ModelConfig;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.DeltaMerge;
import io.streamlearn.model.Label;
import io.streamlearn.model.Parameters;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Data-parallel training without Kafka, to measure what it costs in accuracy: the stream is dealt
 * round-robin over {@code replicas} partitions (each keeps its order), each partition's replica
 * learns its examples test-then-train through the same {@link OnlineLearner} the topology runs, and
 * every {@code syncEvery} examples sends its delta; a round is merged when every replica's delta is
 * in, by the model's merge rule, as the topology's merge step does. At its sync point after round
 * r a replica adopts the merged version through round r − 1 − {@code lag} (the newest one it could
 * see if the merge and the weights store were {@code lag} rounds behind) plus its own deltas that
 * version lacks, as the topology's replica does. Lag 0 is the best case of the live system, larger
 * lags its slower cases.
 */
public final class ParallelSimulation {
    private ParallelSimulation() {
    }

    /** Prequential accuracy over the whole stream (every replica's tests), and the final merged model's on {@code test}. */
    public record Outcome(double prequential, double finalAccuracy, long rounds) {
    }

    public static Outcome run(ModelConfig config, List<Example> stream, List<Example> test, int replicas, int syncEvery,
                              int lag) {
        OnlineLearner[] learners = new OnlineLearner[replicas];
        for (int p = 0; p < replicas; p++) {
            learners[p] = OnlineLearner.fresh(config);
        }
        OnlineLearner global = OnlineLearner.fresh(config);
        int n = Parameters.count(global.network());
        double[][] base = new double[replicas][n];
        long[] round = new long[replicas];
        long[] inRound = new long[replicas];
        long[] adoptedThrough = new long[replicas];
        List<ArrayDeque<double[]>> unmerged = new ArrayList<>();
        for (int p = 0; p < replicas; p++) {
            Parameters.read(learners[p].network(), base[p]);
            adoptedThrough[p] = -1;
            unmerged.add(new ArrayDeque<>());
        }
        // Merged parameters after each round, and the deltas of rounds not merged yet.
        List<double[]> merged = new ArrayList<>();
        List<double[][]> waiting = new ArrayList<>();
        List<long[]> waitingCounts = new ArrayList<>();
        double[] g = new double[n];
        Parameters.read(global.network(), g);
        for (int i = 0; i < stream.size(); i++) {
            int p = i % replicas;
            Example e = stream.get(i);
            learners[p].learn(e.features(), new Label.Scalar(e.label()), i);
            if (++inRound[p] < syncEvery) {
                continue;
            }
            double[] delta = new double[n];
            Parameters.delta(learners[p].network(), base[p], delta);
            int r = (int) round[p];
            while (waiting.size() <= r - merged.size()) {
                waiting.add(new double[replicas][]);
                waitingCounts.add(new long[replicas]);
            }
            waiting.get(r - merged.size())[p] = delta;
            waitingCounts.get(r - merged.size())[p] = inRound[p];
            unmerged.get(p).add(delta);
            round[p]++;
            inRound[p] = 0;
            while (!waiting.isEmpty() && complete(waiting.get(0))) {
                DeltaMerge.merge(g, waiting.remove(0), waitingCounts.remove(0), config.parallel().merge(), g);
                merged.add(g.clone());
            }
            long through = Math.min(round[p] - 2 - lag, merged.size() - 1);
            if (through > adoptedThrough[p]) {
                while (adoptedThrough[p] < through) {
                    unmerged.get(p).poll();
                    adoptedThrough[p]++;
                }
                System.arraycopy(merged.get((int) through), 0, base[p], 0, n);
                for (double[] mine : unmerged.get(p)) {
                    for (int k = 0; k < n; k++) {
                        base[p][k] += mine[k];
                    }
                }
                Parameters.write(base[p], learners[p].network());
            } else {
                Parameters.read(learners[p].network(), base[p]);
            }
        }
        Parameters.write(g, global.network());
        long scored = 0;
        long correct = 0;
        for (OnlineLearner l : learners) {
            scored += l.metrics().scored();
            correct += l.metrics().correct();
        }
        return new Outcome((double) correct / scored, accuracy(global, test), merged.size());
    }

    /** One task over the same stream: the reference. */
    public static Outcome single(ModelConfig config, List<Example> stream, List<Example> test) {
        OnlineLearner l = OnlineLearner.fresh(config);
        for (int i = 0; i < stream.size(); i++) {
            l.learn(stream.get(i).features(), new Label.Scalar(stream.get(i).label()), i);
        }
        return new Outcome(l.metrics().accuracy(), accuracy(l, test), 0);
    }

    /**
     * The figures of BENCHMARKS.md's "Data-parallel training": blobs, iris and a d = 100 Gaussian
     * stream, one task next to 1, 2 and 4 replicas. Run with the jar's classpath:
     * {@code java -cp target/streamlearn.jar io.streamlearn.evaluate.ParallelSimulation}.
     */
    public static void main(String[] args) {
        String sigmoid = "{id: m, inputSize: %d, scaling: none, layers: [{units: 1, activation: sigmoid}],"
                + " optimizer: {kind: sgd, learningRate: %s}, parallel: {syncEvery: %d, merge: %s}}";
        String softmax = "{id: m, inputSize: %d, scaling: none, layers: [{units: 3, activation: softmax}],"
                + " optimizer: {kind: sgd, learningRate: %s}, parallel: {syncEvery: %d, merge: %s}}";
        record Case(String name, String model, int inputs, String rate, List<Example> stream, List<Example> test) {
        }
        List<Example> gauss = overlappingGaussians(100, 0.15, 45_000, 3);
        List<Case> cases = List.of(
                new Case("blobs", sigmoid, 2, "0.05", rows(io.streamlearn.data.Generators.stream("blobs", 1, 0, 0), 20_000),
                        rows(io.streamlearn.data.Datasets.load("blobs").iterator(), 200)),
                new Case("iris", softmax, 4, "0.05", rows(io.streamlearn.data.Generators.stream("iris", 1, 0, 0), 20_000),
                        rows(io.streamlearn.data.Datasets.load("iris").iterator(), 150)),
                new Case("gaussian d=100", sigmoid, 100, "0.01", gauss.subList(0, 40_000), gauss.subList(40_000, 45_000)));
        System.out.println("| stream | examples | merge | syncEvery | lag | replicas | prequential | final model |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Case c : cases) {
            for (String merge : List.of("average", "sum")) {
                for (int k : new int[] {4, 16, 64}) {
                    ModelConfig mc = io.streamlearn.config.ConfigLoader.fromYaml("models:\n  - "
                            + c.model().formatted(c.inputs(), c.rate(), k, merge) + "\n", java.util.Map.of("defaultModel", "m"))
                            .model("m");
                    Outcome one = single(mc, c.stream(), c.test());
                    System.out.printf(java.util.Locale.ROOT, "| %s | %d | %s | %d | – | one task | %.4f | %.4f |%n", c.name(),
                            c.stream().size(), merge, k, one.prequential(), one.finalAccuracy());
                    for (int lag : new int[] {0, 2}) {
                        for (int p : new int[] {1, 2, 4}) {
                            Outcome o = run(mc, c.stream(), c.test(), p, k, lag);
                            System.out.printf(java.util.Locale.ROOT, "| %s | %d | %s | %d | %d | %d | %.4f | %.4f |%n",
                                    c.name(), c.stream().size(), merge, k, lag, p, o.prequential(), o.finalAccuracy());
                        }
                    }
                }
            }
        }
    }

    /**
     * Two classes in {@code dims} dimensions, unit noise around means drawn with standard deviation
     * {@code spread}: at 0.15 in 100 dimensions the means are about 2.1 apart, so even the best
     * linear model errs on about 15 % (the generators' Gaussian stream, 3 apart per dimension, is
     * learned perfectly by anything and would show no difference).
     */
    static List<Example> overlappingGaussians(int dims, double spread, int count, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[][] means = new double[2][dims];
        for (double[] m : means) {
            for (int j = 0; j < dims; j++) {
                m[j] = spread * r.nextGaussian();
            }
        }
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int c = r.nextInt(2);
            double[] x = new double[dims];
            for (int j = 0; j < dims; j++) {
                x[j] = means[c][j] + r.nextGaussian();
            }
            out.add(new Example(x, c));
        }
        return out;
    }

    private static List<Example> rows(java.util.Iterator<io.streamlearn.data.LabeledRow> it, int count) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < count && it.hasNext(); i++) {
            io.streamlearn.data.LabeledRow r = it.next();
            out.add(new Example(r.features(), r.label()));
        }
        return out;
    }

    private static boolean complete(double[][] round) {
        for (double[] d : round) {
            if (d == null) {
                return false;
            }
        }
        return true;
    }

    private static double accuracy(OnlineLearner l, List<Example> test) {
        double[] out = new double[l.network().outputSize()];
        int right = 0;
        for (Example e : test) {
            l.network().predict(e.features(), out);
            if (l.network().predictClass(out) == (int) e.label()) {
                right++;
            }
        }
        return (double) right / test.size();
    }
}

package io.streamlearn.retrain;

import io.streamlearn.eval.Prequential;
import io.streamlearn.model.Activation;
import io.streamlearn.model.Network;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Bounded replay training: epochs over a source that can be re-read, mini-batches of any size
 * (1 = stochastic, 0 = full batch), shuffling within a bounded buffer so memory does not grow
 * with the data, and a held-out share evaluated after every epoch. Knows nothing of Kafka. An
 * update that would make the weights non-finite is refused by the network as in live training,
 * so what a retrain publishes is finite; each epoch reports how many were refused.
 */
public final class Retrainer {
    private final Network network;
    private final RetrainPlan plan;
    private final double[] target;
    private final double[] output;
    private final boolean signedOutput;

    public Retrainer(Network network, RetrainPlan plan) {
        this.network = network;
        this.plan = plan;
        this.target = new double[network.outputSize()];
        this.output = new double[network.outputSize()];
        var layers = network.spec().layers();
        Activation last = layers.get(layers.size() - 1).activation();
        this.signedOutput = last == Activation.TANH || last == Activation.SIGN;
    }

    /** Runs every epoch, reporting each; returns the last epoch's figures. */
    public EpochStats run(EpochSource source, Consumer<EpochStats> onEpoch) {
        EpochStats last = null;
        for (int e = 1; e <= plan.epochs(); e++) {
            last = epoch(source, e);
            onEpoch.accept(last);
        }
        return last;
    }

    private EpochStats epoch(EpochSource source, int epoch) {
        Random rng = new Random(plan.seed() * 31 + epoch);
        Buffer buffer = new Buffer(plan.shuffle() ? plan.shuffleBuffer() : 1);
        long[] trained = {0};
        double[] lossSum = {0};
        long updatesBefore = network.updatesApplied();
        long refusedBefore = network.updatesRefused();
        source.readAll((x, label, labelVector, position) -> {
            if (Holdout.isHeldOut(position, plan.seed(), plan.holdout())) {
                return;
            }
            if (!plan.shuffle()) {
                lossSum[0] += train(x, label, labelVector);
                trained[0]++;
                return;
            }
            if (buffer.full()) {
                int i = rng.nextInt(buffer.size);
                lossSum[0] += train(buffer.xs[i], buffer.labels[i], buffer.vectors[i]);
                trained[0]++;
                buffer.replace(i, x, label, labelVector);
            } else {
                buffer.add(x, label, labelVector);
            }
        });
        while (buffer.size > 0) {
            int i = rng.nextInt(buffer.size);
            lossSum[0] += train(buffer.xs[i], buffer.labels[i], buffer.vectors[i]);
            trained[0]++;
            buffer.remove(i);
        }
        if (network.pendingCount() > 0) {
            network.applyUpdate();
        }
        Prequential held = evaluate(source);
        return new EpochStats(epoch, trained[0], trained[0] == 0 ? 0 : lossSum[0] / trained[0],
                network.updatesApplied() - updatesBefore, network.updatesRefused() - refusedBefore,
                held.scored(), held.accuracy(), held.logLoss());
    }

    private double train(double[] x, double label, double[] labelVector) {
        if (labelVector == null) {
            network.target(label, target);
        } else {
            System.arraycopy(labelVector, 0, target, 0, target.length);
        }
        double loss = network.accumulate(x, target);
        if (!plan.fullBatch() && network.pendingCount() >= plan.batchSize()) {
            network.applyUpdate();
        }
        return loss;
    }

    /** Scores the held-out examples with the weights as they are at the end of the epoch. */
    public Prequential evaluate(EpochSource source) {
        Prequential p = new Prequential();
        if (plan.holdout() > 0) {
            score(source, position -> Holdout.isHeldOut(position, plan.seed(), plan.holdout()), p);
        }
        return p;
    }

    /** Scores every example of a test set the replay never trains on (the held-out events), as the weights are now. */
    public Prequential test(EpochSource testSet) {
        Prequential p = new Prequential();
        score(testSet, position -> true, p);
        return p;
    }

    private void score(EpochSource source, java.util.function.LongPredicate scored, Prequential p) {
        source.readAll((x, label, labelVector, position) -> {
            if (labelVector == null && scored.test(position)) {
                network.predict(x, output);
                p.record(output, network.predictClass(output), (int) label, signedOutput);
            }
        });
    }

    /** The shuffle buffer: a fixed number of slots, examples swapped in and out at random. */
    private static final class Buffer {
        final double[][] xs;
        final double[] labels;
        final double[][] vectors;
        int size;

        Buffer(int capacity) {
            xs = new double[capacity][];
            labels = new double[capacity];
            vectors = new double[capacity][];
        }

        boolean full() {
            return size == xs.length;
        }

        void add(double[] x, double label, double[] vector) {
            replace(size++, x, label, vector);
        }

        void replace(int i, double[] x, double label, double[] vector) {
            xs[i] = x;
            labels[i] = label;
            vectors[i] = vector;
        }

        void remove(int i) {
            size--;
            replace(i, xs[size], labels[size], vectors[size]);
            xs[size] = null;
            vectors[size] = null;
        }
    }
}

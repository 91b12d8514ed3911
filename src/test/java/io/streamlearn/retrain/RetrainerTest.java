package io.streamlearn.retrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.data.Datasets;
import io.streamlearn.data.LabeledRow;
import io.streamlearn.model.Activation;
import io.streamlearn.model.LayerSpec;
import io.streamlearn.model.LossKind;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.Network;
import io.streamlearn.model.OptimizerKind;
import io.streamlearn.model.OptimizerSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Epochs, batch sizes, the shuffle buffer and the holdout of a replay, on an in-memory source. */
class RetrainerTest {
    private static final List<LabeledRow> BLOBS = Datasets.load("blobs");

    private static final EpochSource SOURCE = sink -> {
        for (int i = 0; i < BLOBS.size(); i++) {
            sink.accept(BLOBS.get(i).features(), BLOBS.get(i).label(), null, i);
        }
    };

    private static Network network() {
        return Network.initialize(new ModelSpec(2, List.of(new LayerSpec(1, Activation.SIGMOID)),
                LossKind.BINARY_CROSS_ENTROPY, OptimizerSpec.defaults(OptimizerKind.ADAM), 0.0, 42L));
    }

    @Test
    void theTutorialsRunReachesFullHoldoutAccuracy() {
        List<EpochStats> epochs = new ArrayList<>();
        EpochStats last = new Retrainer(network(), new RetrainPlan(1000, 32, true, 42, 0.25, 10_000)).run(SOURCE, epochs::add);
        assertEquals(1000, epochs.size());
        assertEquals(200, last.trained() + last.heldOut());
        assertEquals(1.0, last.holdoutAccuracy());
        assertEquals((last.trained() + 31) / 32, last.updates(), "ceil(n / 32) updates per epoch");
        assertTrue(last.trainLoss() < epochs.get(0).trainLoss(), "the loss falls");
    }

    @Test
    void aSeparateTestSetIsScoredWholeAndNeverTrainedOn() {
        // The tutorial's split: 150 rows to train on, 50 to test with (here simply the last 50).
        EpochSource train = sink -> {
            for (int i = 0; i < 150; i++) {
                sink.accept(BLOBS.get(i).features(), BLOBS.get(i).label(), null, i);
            }
        };
        EpochSource test = sink -> {
            for (int i = 150; i < 200; i++) {
                sink.accept(BLOBS.get(i).features(), BLOBS.get(i).label(), null, i);
            }
        };
        Network n = network();
        Retrainer r = new Retrainer(n, new RetrainPlan(1000, 32, false, 42, 0, 10_000));
        EpochStats last = r.run(train, s -> { });
        long updates = n.updatesApplied();
        var scored = r.test(test);
        assertEquals(50, scored.scored(), "every test row, no holdout filter");
        assertEquals(0, last.heldOut());
        assertEquals(150, last.trained());
        assertEquals(updates, n.updatesApplied(), "testing does not train");
        int correct = 0;
        double[] out = new double[1];
        for (int i = 150; i < 200; i++) {
            n.predict(BLOBS.get(i).features(), out);
            correct += n.predictClass(out) == BLOBS.get(i).label() ? 1 : 0;
        }
        assertEquals(correct / 50.0, scored.accuracy(), 0.0);
    }

    @Test
    void fullBatchMakesOneUpdatePerEpochAndStochasticOnePerExample() {
        EpochStats full = new Retrainer(network(), new RetrainPlan(2, 0, false, 1, 0, 1)).run(SOURCE, s -> { });
        assertEquals(1, full.updates());
        EpochStats sgd = new Retrainer(network(), new RetrainPlan(1, 1, false, 1, 0, 1)).run(SOURCE, s -> { });
        assertEquals(200, sgd.updates());
    }

    @Test
    void theShuffleIsSeededAndBoundedByItsBuffer() {
        Network a = network();
        Network b = network();
        Network c = network();
        new Retrainer(a, new RetrainPlan(3, 1, true, 7, 0, 16)).run(SOURCE, s -> { });
        new Retrainer(b, new RetrainPlan(3, 1, true, 7, 0, 16)).run(SOURCE, s -> { });
        new Retrainer(c, new RetrainPlan(3, 1, true, 8, 0, 16)).run(SOURCE, s -> { });
        assertArrayEquals(a.weights(0), b.weights(0), 0.0, "same seed, same bits");
        assertNotEquals(a.weights(0)[0], c.weights(0)[0], "another seed, another order");
    }

    @Test
    void theHoldoutDependsOnPositionAndSeedOnly() {
        int held = 0;
        for (int i = 0; i < 10_000; i++) {
            boolean h = Holdout.isHeldOut(i, 42, 0.25);
            assertEquals(h, Holdout.isHeldOut(i, 42, 0.25));
            held += h ? 1 : 0;
        }
        assertTrue(held > 2300 && held < 2700, "about a quarter: " + held);
    }

    /**
     * A replay whose updates overflow (squared error, learning rate 1, features of 1e200 among
     * ordinary ones) refuses those, reports them per epoch, and ends with finite weights that
     * still learned from the ordinary examples.
     */
    @Test
    void overflowingUpdatesAreRefusedAndReportedAndTheWeightsStayFinite() {
        Network n = Network.withWeights(new ModelSpec(2, List.of(new LayerSpec(1, Activation.LINEAR)),
                LossKind.SQUARED_ERROR, OptimizerSpec.defaults(OptimizerKind.SGD).withLearningRate(1), 0.0, 1L),
                new double[][] {{0.5, -0.5}}, new double[][] {{0}});
        EpochSource source = sink -> {
            for (int i = 0; i < 40; i++) {
                double[] x = i % 4 == 0 ? new double[] {1e200, -1e200} : new double[] {0.1 * (i % 3), 0.2};
                sink.accept(x, x[0] + x[1] > 0.25 ? 1 : 0, null, i);
            }
        };
        List<EpochStats> epochs = new ArrayList<>();
        new Retrainer(n, new RetrainPlan(3, 1, false, 1, 0, 1)).run(source, epochs::add);
        for (EpochStats e : epochs) {
            assertEquals(10, e.refused(), "epoch " + e.epoch() + ": the 10 huge examples");
            assertEquals(30, e.updates(), "epoch " + e.epoch() + ": the 30 ordinary ones");
        }
        assertEquals(30, n.updatesRefused());
        assertEquals(90, n.updatesApplied());
        assertTrue(n.isFinite(), "what a retrain would publish is finite");
        assertNotEquals(0.5, n.weights(0)[0], "and it learned from the ordinary examples");
    }
}

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
}

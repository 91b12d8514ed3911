package io.streamlearn.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.SnapshotPolicy;
import io.streamlearn.config.UpdateMode;
import io.streamlearn.model.Activation;
import io.streamlearn.model.LayerSpec;
import io.streamlearn.model.LossKind;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.Network;
import io.streamlearn.model.OptimizerKind;
import io.streamlearn.model.OptimizerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OnlineLearnerTest {

    private static ModelConfig config(OptimizerKind k, UpdateMode mode) {
        ModelSpec spec = new ModelSpec(2, List.of(new LayerSpec(1, Activation.SIGMOID)), LossKind.BINARY_CROSS_ENTROPY,
                OptimizerSpec.defaults(k), 0, 1L);
        return new ModelConfig("m", spec, mode, new SnapshotPolicy(5, 1000), null, null);
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void adoptsARetrainedModelWhateverItsOptimizer(OptimizerKind retrainedWith) {
        OnlineLearner live = OnlineLearner.fresh(config(OptimizerKind.ADAM, UpdateMode.count(3)));
        live.learn(new double[] {1, 2}, 1, null, 0, 0); // an open batch, dropped on adoption
        Network retrained = Network.initialize(config(retrainedWith, UpdateMode.stochastic()).spec());
        retrained.learnOne(new double[] {0.5, -1}, 0);
        live.adopt(retrained, 7);
        assertArrayEquals(retrained.weights(0), live.network().weights(0), 0.0);
        assertEquals(0, live.network().pendingCount());
        assertEquals(7, live.version());
        assertEquals(8, live.markPublished(10), "the next version follows the adopted one");
        for (int i = 0; i < 6; i++) {
            live.learn(new double[] {i, -i}, i % 2, null, i, i); // keeps training, whatever the slots were
        }
        assertEquals(2, live.network().updatesApplied() - (retrainedWith == OptimizerKind.ADAM ? 1 : 0));
    }

    @Test
    void snapshotsAreDueByUpdatesOrByStreamTime() {
        OnlineLearner l = OnlineLearner.fresh(config(OptimizerKind.SGD, UpdateMode.stochastic()));
        for (int i = 0; i < 4; i++) {
            l.learn(new double[] {1, 1}, 1, null, 100, 100);
        }
        assertEquals(false, l.snapshotDue(100));
        assertEquals(true, l.snapshotDue(1100), "1000 ms of stream time since the first example");
        l.learn(new double[] {1, 1}, 1, null, 100, 100);
        assertEquals(true, l.snapshotDue(100), "5 updates");
        assertEquals(1, l.markPublished(100));
        assertEquals(false, l.snapshotDue(100));
    }

    private static ModelConfig linear(UpdateMode mode) {
        ModelSpec spec = new ModelSpec(2, List.of(new LayerSpec(1, Activation.LINEAR)), LossKind.SQUARED_ERROR,
                OptimizerSpec.defaults(OptimizerKind.SGD).withLearningRate(1), 0, 1L);
        return new ModelConfig("m", spec, mode, new SnapshotPolicy(1, 1_000_000), null, null);
    }

    /**
     * In every update mode an overflowing update is refused: learn() does not count it, nothing
     * becomes due for publication, the learner's refused count says so, and the weights are those
     * from before; the next update is applied.
     */
    @Test
    void aRefusedUpdateIsNotCountedAsAppliedInAnyUpdateMode() {
        double[] huge = {1e200, 1e200};
        double[] small = {0.1, 0.2};
        for (UpdateMode mode : List.of(UpdateMode.stochastic(), UpdateMode.count(2), UpdateMode.window(100))) {
            OnlineLearner l = OnlineLearner.fresh(linear(mode));
            double[] w = l.network().weights(0).clone();
            boolean batched = mode.kind() != UpdateMode.Kind.STOCHASTIC;
            int applied = l.learn(huge, 1, null, 10, 10);
            if (batched) {
                applied += l.learn(small, 0, null, 20, 20); // count mode: completes the batch with the huge one
            }
            applied += l.closeDueWindow(1000);               // window mode: closes the window holding both
            assertEquals(0, applied, mode + ": nothing applied");
            assertEquals(1, l.updatesRefused(), mode + ": one refusal (a batch is refused whole)");
            assertEquals(0, l.network().updatesApplied(), mode.toString());
            assertEquals(0, l.network().pendingCount(), mode + ": the batch is gone");
            assertEquals(0, l.updatesSincePublish(), mode.toString());
            assertEquals(false, l.snapshotDue(1000), mode + ": nothing new to publish");
            assertArrayEquals(w, l.network().weights(0), 0.0, mode + ": the weights from before");
            assertEquals(batched ? 2 : 1, l.examplesSeen(), mode + ": seen (and scored) all the same");

            applied = l.learn(small, 0, null, 1010, 1010) + l.learn(small, 1, null, 1020, 1020) + l.closeDueWindow(5000);
            assertEquals(mode.kind() == UpdateMode.Kind.STOCHASTIC ? 2 : 1, applied, mode + ": finite updates apply");
            assertEquals(1, l.updatesRefused());
            assertEquals(true, l.snapshotDue(5000));
        }
    }
}

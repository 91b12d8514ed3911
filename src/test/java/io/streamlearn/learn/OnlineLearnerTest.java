package io.streamlearn.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlearn.config.EventTimePolicy;
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
        live.learn(new double[] {1, 2}, 1, null, 0); // an open batch, dropped on adoption
        Network retrained = Network.initialize(config(retrainedWith, UpdateMode.stochastic()).spec());
        retrained.learnOne(new double[] {0.5, -1}, 0);
        live.adopt(retrained, 7);
        assertArrayEquals(retrained.weights(0), live.network().weights(0), 0.0);
        assertEquals(0, live.network().pendingCount());
        assertEquals(7, live.version());
        assertEquals(8, live.markPublished(10), "the next version follows the adopted one");
        for (int i = 0; i < 6; i++) {
            live.learn(new double[] {i, -i}, i % 2, null, i); // keeps training, whatever the slots were
        }
        assertEquals(2, live.network().updatesApplied() - (retrainedWith == OptimizerKind.ADAM ? 1 : 0));
    }

    @Test
    void snapshotsAreDueByUpdatesOrByStreamTime() {
        OnlineLearner l = OnlineLearner.fresh(config(OptimizerKind.SGD, UpdateMode.stochastic()));
        for (int i = 0; i < 4; i++) {
            l.learn(new double[] {1, 1}, 1, null, 100);
        }
        assertEquals(false, l.snapshotDue(100));
        assertEquals(true, l.snapshotDue(1100), "1000 ms of stream time since the first example");
        l.learn(new double[] {1, 1}, 1, null, 100);
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
            boolean windowed = mode.kind() == UpdateMode.Kind.WINDOW;
            int applied = l.learn(huge, 1, null, 10);
            if (batched) {
                applied += l.learn(small, 0, null, 20); // count mode: completes the batch with the huge one
            }
            if (windowed) {
                applied += l.learn(small, 0, null, 1010); // window mode: its clock passes the end of the window holding both
            }
            assertEquals(0, applied, mode + ": nothing applied");
            assertEquals(1, l.updatesRefused(), mode + ": one refusal (a batch is refused whole)");
            assertEquals(0, l.network().updatesApplied(), mode.toString());
            assertEquals(windowed ? 1 : 0, l.network().pendingCount(), mode + ": the batch is gone");
            assertEquals(0, l.updatesSincePublish(), mode.toString());
            assertEquals(false, l.snapshotDue(1000), mode + ": nothing new to publish");
            assertArrayEquals(w, l.network().weights(0), 0.0, mode + ": the weights from before");
            assertEquals(batched ? (windowed ? 3 : 2) : 1, l.examplesSeen(), mode + ": seen (and scored) all the same");

            applied = l.learn(small, 0, null, 1015) + l.learn(small, 1, null, 1020) + l.learn(small, 1, null, 5000);
            assertEquals(mode.kind() == UpdateMode.Kind.STOCHASTIC ? 3 : 1, applied, mode + ": finite updates apply");
            assertEquals(1, l.updatesRefused());
            assertEquals(true, l.snapshotDue(5000));
        }
    }

    private static final double[] X1 = {0.5, -1};
    private static final double[] X2 = {1.5, 0.25};
    private static final double[] X3 = {-0.75, 2};
    private static final double[] X4 = {0.1, 0.3};

    /** A linear unit learning by SGD in 1-second windows with {@code graceMs} of grace. */
    private static OnlineLearner windowed(long graceMs) {
        return OnlineLearner.fresh(linear(UpdateMode.window(1000)).withEventTime(new EventTimePolicy(graceMs, 60_000)));
    }

    /** A network at {@code from}'s weights that learns the given examples as one batch, as a window does. */
    private static Network batchFrom(Network from, double[]... xs) {
        Network n = from.copy();
        for (double[] x : xs) {
            n.accumulate(x, new double[] {1});
        }
        return n;
    }

    /**
     * Time is each model's own: another model's records do not move it (the trainer used to pass
     * the task's stream time, so they did). Model a's window stays open while b's clock is far
     * ahead, a's record older than b's clock is no late record of a's, and a's window closes with
     * a's own record past its end.
     */
    @Test
    void oneModelsRecordsNeitherCloseNorDelayAnothersWindows() {
        OnlineLearner a = windowed(0);
        OnlineLearner b = windowed(0);
        a.learn(X1, 1, null, 100);
        b.learn(X2, 1, null, 5_000);
        b.learn(X3, 1, null, 9_000);
        assertEquals(1, b.network().updatesApplied(), "b's own window [5000, 6000) closed by b's record at 9000");
        assertEquals(100, a.eventTime(), "b's records leave a's clock where a's records put it");
        assertEquals(null, a.closedWindowOf(200), "a's window [0, 1000) is open for a's record at 200");
        assertEquals(0, a.learn(X2, 1, null, 200));
        assertEquals(0, a.lateRecords());
        assertEquals(2, a.network().pendingCount(), "both of a's records in a's open window");
        assertEquals(0, a.network().updatesApplied());
        assertEquals(1, a.learn(X3, 1, null, 1_000), "a's record at its window's end closes it");
        assertArrayEquals(weightsAfterUpdate(X1, X2), a.network().weights(0), 0.0, "the window's average, bit for bit");
    }

    /** The weights after one update from the fresh linear unit's weights with the average gradient of {@code xs}. */
    private static double[] weightsAfterUpdate(double[]... xs) {
        Network n = batchFrom(OnlineLearner.fresh(linear(UpdateMode.window(1000))).network(), xs);
        n.applyUpdate();
        return n.weights(0);
    }

    /**
     * With grace a window stays open past its end: a record out of order joins its own window,
     * not the newest one, while the next window fills; each window's update is the average of its
     * own records (each gradient taken when its record came), applied when the model's clock
     * passes its end plus the grace, oldest first.
     */
    @Test
    void withGraceAnOutOfOrderRecordJoinsItsOwnWindow() {
        OnlineLearner l = windowed(500);
        Network w0 = l.network().copy();
        l.learn(X1, 1, null, 100);    // [0, 1000)
        l.learn(X2, 1, null, 1_200);  // [1000, 2000); [0, 1000) stays open until 1500
        assertEquals(null, l.closedWindowOf(900), "[0, 1000) closes at 1500, and the clock is at 1200");
        assertEquals(0, l.learn(X3, 1, null, 900)); // joins [0, 1000), not [1000, 2000)
        assertEquals(0, l.lateRecords());
        assertEquals(0, l.network().updatesApplied(), "no window closed yet");
        assertEquals(List.of(1000L), l.parkedWindows().stream().map(WindowBatch::start).toList(),
                "[1000, 2000) waits beside it");

        assertEquals(1, l.learn(X4, 1, null, 1_600), "the clock passes 1500: [0, 1000) closes");
        Network afterFirst = batchFrom(w0, X1, X3);
        afterFirst.applyUpdate();
        assertArrayEquals(afterFirst.weights(0), l.network().weights(0), 0.0, "its records, X1 and X3, and only those");

        assertEquals(1, l.learn(X1, 1, null, 3_000), "the clock passes 2500: [1000, 2000) closes");
        // X2 was learned at the first weights, X4 after the first update: the gradients a window sums are taken when its
        // records come, whatever window was in the network then.
        Network second = batchFrom(afterFirst, X4);
        double[] x2AtW0 = batchFrom(w0, X2).pendingWeightGradient(0);
        double[] b2AtW0 = batchFrom(w0, X2).pendingBiasGradient(0);
        for (int i = 0; i < x2AtW0.length; i++) {
            second.pendingWeightGradient(0)[i] += x2AtW0[i];
        }
        second.pendingBiasGradient(0)[0] += b2AtW0[0];
        second.restoreState(second.updatesApplied(), 2);
        second.applyUpdate();
        assertArrayEquals(second.weights(0), l.network().weights(0), 0.0, "X2 and X4, bit for bit");
        assertArrayEquals(second.biases(0), l.network().biases(0), 0.0);
    }

    /**
     * Past its grace a window is closed: a record for it is late, counted and not learned (the
     * trainer dead-letters it LATE), and {@link OnlineLearner#closedWindowOf} names the window and
     * when it closed. Without grace (the default) a window closes at its end.
     */
    @Test
    void aRecordForAClosedWindowIsLateCountedAndNotLearned() {
        for (long grace : new long[] {0, 500}) {
            OnlineLearner l = windowed(grace);
            l.learn(X1, 1, null, 100);
            l.learn(X2, 1, null, 1_000 + grace);
            assertEquals(1, l.network().updatesApplied(), "grace " + grace + ": [0, 1000) closed at " + (1_000 + grace));
            double[] w = l.network().weights(0).clone();
            assertEquals(new OnlineLearner.Window(0, 1_000, 1_000 + grace), l.closedWindowOf(999));
            assertEquals(null, l.closedWindowOf(1_000), "[1000, 2000) is open");
            long seen = l.examplesSeen();
            assertEquals(0, l.learn(X3, 1, null, 999));
            assertEquals(1, l.lateRecords(), "counted");
            assertEquals(seen, l.examplesSeen(), "not learned");
            assertEquals(1, l.network().pendingCount(), "the open window holds X2 alone");
            assertArrayEquals(w, l.network().weights(0), 0.0);
            l.countLate();
            assertEquals(2, l.lateRecords(), "the trainer counts the records it refuses itself");
        }
        OnlineLearner stochastic = OnlineLearner.fresh(linear(UpdateMode.stochastic()));
        stochastic.learn(X1, 1, null, 5_000);
        assertEquals(null, stochastic.closedWindowOf(0), "without windows nothing is late");
    }

    /**
     * A record stamped beyond now + maxFutureMs is refused before it reaches the model (the
     * validator asks, with its wall clock): learned, it would become the model's event time and
     * every later record's window would already be closed. {@code now} is the caller's, so this
     * is the one decision that depends on a wall clock.
     */
    @Test
    void aRecordTooFarAheadIsFutureAndWouldFreezeTheWindowsIfLearned() {
        long now = 1_764_000_000_000L;
        OnlineLearner l = windowed(0);
        assertEquals(false, l.isFuture(now + 60_000, now), "the default tolerance: a minute");
        assertEquals(true, l.isFuture(now + 60_001, now));
        assertEquals(false, l.isFuture(now - 3_600_000, now), "the past is never future");
        OnlineLearner lenient = OnlineLearner.fresh(linear(UpdateMode.window(1000)).withEventTime(new EventTimePolicy(0, Long.MAX_VALUE)));
        assertEquals(false, lenient.isFuture(Long.MAX_VALUE, 0));

        // What the check keeps from happening: one such record learned, and every window after it closed before it opened.
        lenient.learn(X1, 1, null, now + 365L * 24 * 3_600_000);
        lenient.learn(X2, 1, null, now);
        lenient.learn(X3, 1, null, now + 5_000);
        assertEquals(2, lenient.lateRecords());
        // Refused instead, the model's clock and windows go on with its records.
        l.learn(X2, 1, null, now);
        assertEquals(1, l.learn(X3, 1, null, now + 5_000));
        assertEquals(0, l.lateRecords());
        assertEquals(now + 5_000, l.eventTime());
    }

    /** Publication by time counts in the model's own event time. */
    @Test
    void snapshotsAreDueByTheModelsOwnEventTime() {
        OnlineLearner l = OnlineLearner.fresh(config(OptimizerKind.SGD, UpdateMode.stochastic()));
        l.learn(new double[] {1, 1}, 1, null, 100);
        assertEquals(100, l.lastPublishTime(), "counted from its first record");
        assertEquals(false, l.snapshotDue(l.eventTime()));
        l.learn(new double[] {1, 1}, 1, null, 1_100);
        assertEquals(true, l.snapshotDue(l.eventTime()), "1000 ms of its own event time");
        l.markPublished(l.eventTime());
        // A checkpoint from before models kept their own clocks may say it published at a later (the task's) time.
        l.restoreCounters(l.examplesSeen(), l.windowStart(), 0, l.version(), 0, 50_000, -1);
        l.learn(new double[] {1, 1}, 1, null, 1_200);
        assertEquals(1_200, l.lastPublishTime(), "brought back to the model's clock");
    }
}

package io.streamlearn.testing;

import io.streamlearn.app.StreamlearnApp;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/** Waits for a condition on a running learner, and fails at once if the learner stopped: no input may stop it. */
public final class LearnerAwait {
    private LearnerAwait() {
    }

    public static void until(StreamlearnApp app, Duration patience, BooleanSupplier condition, Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            KafkaStreams.State s = app.streams().state();
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING
                    || s == KafkaStreams.State.PENDING_SHUTDOWN || s == KafkaStreams.State.PENDING_ERROR) {
                throw new AssertionError("the learner stopped (" + s + ") before " + what.get());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what.get());
            }
            Thread.sleep(20);
        }
    }
}

package io.streamlearn.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for what a running learner will do, polled, with a generous bound (never a sleep that hopes). */
public final class Eventually {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private Eventually() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} after a minute. */
    public static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + PATIENCE.toSeconds() + " s: " + what);
            }
            Thread.sleep(100);
        }
    }
}

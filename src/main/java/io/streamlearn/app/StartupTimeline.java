package io.streamlearn.app;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Where a learner's start-up goes: each step timed, the ones that need neither each other nor the
 * broker's answers run on helper threads beside the admin checks, and one line says it all once
 * the learner runs (from JVM start, so that the time before {@code main} shows too). The helper
 * threads are daemons and end with {@link #close}.
 */
final class StartupTimeline implements AutoCloseable {
    private final long start = System.nanoTime();
    private final long jvmUptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
    private final List<String> steps = new ArrayList<>();
    private final ExecutorService helpers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "streamlearn-start");
        t.setDaemon(true);
        return t;
    });

    /** Runs {@code step} here and now, timed. */
    <T> T step(String name, Supplier<T> step) {
        long t0 = System.nanoTime();
        try {
            return step.get();
        } finally {
            record(name, t0, "");
        }
    }

    void step(String name, Runnable step) {
        step(name, () -> {
            step.run();
            return null;
        });
    }

    /** Starts {@code step} on a helper thread, timed; {@link #await} takes its result. */
    <T> CompletableFuture<T> alongside(String name, Supplier<T> step) {
        return CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            try {
                return step.get();
            } finally {
                record(name, t0, " alongside");
            }
        }, helpers);
    }

    /** The result of a step started {@link #alongside}; what it threw is thrown here as it was. */
    static <T> T await(CompletableFuture<T> step) {
        try {
            return step.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private synchronized void record(String name, long t0, String how) {
        steps.add(String.format(Locale.ROOT, "%s %.2f s%s", name, (System.nanoTime() - t0) / 1e9, how));
    }

    /** "started 2.41 s after the JVM: 0.93 s before the learner's start, then topics 0.12 s, …". */
    synchronized String summary() {
        double total = jvmUptimeMs / 1e3 + (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "started %.2f s after the JVM: %.2f s before the learner's start (JVM, command, metrics), then %s",
                total, jvmUptimeMs / 1e3, String.join(", ", steps));
    }

    @Override
    public void close() {
        helpers.shutdownNow();
    }
}

package io.streamlearn.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one JVM shutdown hook of streamlearn, which closes everything still open in reverse order of
 * registration: what started last stops first (the demo feed, then the learner, then the HTTP
 * server, then the embedded broker).
 *
 * <p>JVM shutdown hooks run concurrently and in no given order. With a hook per resource the
 * embedded broker went away while the learner on it was still committing; its producer then
 * retried NOT_LEADER_OR_FOLLOWER until the close gave up after 30 s. So resources do not add hooks
 * of their own: they register here, and their {@code close()} runs the same {@link Registration},
 * so a close by the program and one by the hook never run twice or overlap.
 */
public final class ShutdownSequence {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSequence.class);

    private static final Deque<Registration> STEPS = new ArrayDeque<>();
    private static boolean installed;
    private static volatile boolean stopping;

    private ShutdownSequence() {
    }

    /**
     * Registers {@code close} to run at JVM exit, before whatever was registered earlier; the
     * owner runs it through {@link Registration#run()} when it closes by itself.
     */
    public static Registration onExit(String what, Runnable close) {
        Registration r = new Registration(what, close);
        synchronized (ShutdownSequence.class) {
            if (!installed) {
                try {
                    Runtime.getRuntime().addShutdownHook(new Thread(ShutdownSequence::runAll, "streamlearn-shutdown"));
                    installed = true;
                } catch (IllegalStateException exiting) {
                    // The JVM is already exiting: nothing runs the step; the owner's own close still does.
                    return r;
                }
            }
            STEPS.addLast(r);
        }
        return r;
    }

    /**
     * Whether the JVM is stopping because it was asked to (SIGTERM, Ctrl-C, System.exit): what
     * fails from then on is the stop closing things under the program, not an error to report.
     */
    public static boolean stopping() {
        return stopping;
    }

    /**
     * Runs every step, last registered first. A step leaves the sequence only once it has run, so
     * one that the program is closing at this moment is waited for (in {@link Registration#run})
     * instead of skipped: the JVM halts when this hook returns, and would cut that close short.
     */
    private static void runAll() {
        stopping = true;
        for (Registration r = last(); r != null; r = last()) {
            try {
                r.run();
            } catch (RuntimeException | Error e) {
                LOG.warn("Could not close {} at exit: {}", r.what, e.toString());
            }
        }
    }

    private static synchronized Registration last() {
        return STEPS.peekLast();
    }

    private static synchronized void remove(Registration r) {
        STEPS.remove(r);
    }

    /** One thing to close at exit. */
    public static final class Registration {
        private final String what;
        private final Runnable close;
        private boolean done;

        private Registration(String what, Runnable close) {
            this.what = what;
            this.close = close;
        }

        /**
         * Closes now unless it was closed already, and takes it off the exit sequence. A second
         * caller waits until the first has finished, so whoever comes next in an order (the
         * broker after the learner) never starts while the previous step is still closing.
         */
        public synchronized void run() {
            try {
                if (!done) {
                    done = true;
                    close.run();
                }
            } finally {
                ShutdownSequence.remove(this);
            }
        }

        @Override
        public String toString() {
            return what;
        }
    }
}

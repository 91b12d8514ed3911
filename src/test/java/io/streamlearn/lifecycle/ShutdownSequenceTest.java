package io.streamlearn.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShutdownSequenceTest {

    /**
     * The child: registers a broker, an HTTP server, a learner and a feed in the order a demo
     * starts them, then exits without closing any. The learner's close takes a while: the broker
     * must not start closing before it is done.
     */
    public static final class Exiting {
        public static void main(String[] args) {
            StringBuffer done = new StringBuffer();
            ShutdownSequence.onExit("broker", () -> System.out.println("broker after [" + done + "]"));
            ShutdownSequence.onExit("http", () -> done.append("http "));
            ShutdownSequence.onExit("learner", () -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.append("learner ");
            });
            ShutdownSequence.Registration closedByTheProgram = ShutdownSequence.onExit("closed", () -> done.append("twice "));
            ShutdownSequence.onExit("feed", () -> done.append("feed "));
            closedByTheProgram.run();
            System.exit(0);
        }
    }

    /**
     * The child: the program is closing the broker itself (as the demo does once its learner has
     * stopped) when the exit comes; the JVM must not halt before that close is done.
     */
    public static final class ExitingWhileTheProgramCloses {
        public static void main(String[] args) throws InterruptedException {
            CountDownLatch closing = new CountDownLatch(1);
            ShutdownSequence.Registration broker = ShutdownSequence.onExit("broker", () -> {
                closing.countDown();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.out.println("broker closed by the program");
            });
            new Thread(() -> {
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.exit(0);
            }).start();
            broker.run();
            Thread.sleep(60_000);
        }
    }

    private static String runChild(Class<?> main) throws Exception {
        List<String> cmd = new ArrayList<>(ChildJvm.java("-cp", System.getProperty("java.class.path"), main.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out.strip();
    }

    @Test
    void atExitWhatStartedLastStopsFirstAndEachStepEndsBeforeTheNext() throws Exception {
        assertEquals("broker after [twice feed learner http ]", runChild(Exiting.class));
    }

    @Test
    void theExitWaitsForACloseTheProgramIsInTheMiddleOf() throws Exception {
        assertEquals("broker closed by the program", runChild(ExitingWhileTheProgramCloses.class));
    }

    @Test
    void aSecondCloseWaitsForTheFirstAndDoesNotRunItAgain() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ShutdownSequence.Registration r = ShutdownSequence.onExit("slow", () -> {
            runs.incrementAndGet();
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread first = new Thread(r::run);
        first.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        CountDownLatch secondReturned = new CountDownLatch(1);
        Thread second = new Thread(() -> {
            r.run();
            secondReturned.countDown();
        });
        second.start();
        assertTrue(!secondReturned.await(200, TimeUnit.MILLISECONDS), "the second close returned while the first still ran");
        release.countDown();
        assertTrue(secondReturned.await(10, TimeUnit.SECONDS));
        first.join(10_000);
        assertEquals(1, runs.get());
    }
}

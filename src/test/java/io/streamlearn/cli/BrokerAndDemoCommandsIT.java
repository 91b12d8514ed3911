package io.streamlearn.cli;

import io.streamlearn.testing.ChildJvm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two commands that bring their own broker: `broker` (in a child JVM, as a user runs it) and `demo`. */
class BrokerAndDemoCommandsIT {

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Process broker(int port, int controller, Path data, Path out) throws Exception {
        List<String> command = new java.util.ArrayList<>(ChildJvm.java("-cp", System.getProperty("java.class.path")));
        command.addAll(List.of("io.streamlearn.cli.Main",
                "broker", "--port", Integer.toString(port), "--controller-port", Integer.toString(controller),
                "--data-dir", data.toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private static void awaitLine(Path out, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.readString(out).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in:\n" + Files.readString(out));
    }

    @Test
    void theBrokerServesClientsAndKeepsItsDataBetweenStarts(@TempDir Path dir) throws Exception {
        int port = freePort();
        int controller = freePort();
        Path data = dir.resolve("data");
        String bootstrap = "127.0.0.1:" + port;
        Process p = broker(port, controller, data, dir.resolve("1.txt"));
        try {
            awaitLine(dir.resolve("1.txt"), "Kafka broker ready at " + bootstrap, p);
            Cli.Result produced = Cli.run("produce", "--generator", "or", "-b", bootstrap);
            assertEquals(0, produced.exit(), produced.toString());
            p.destroy(); // Ctrl-C / SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped");
            assertTrue(Files.readString(dir.resolve("1.txt")).contains("Stopping the broker"));
        } finally {
            p.destroyForcibly();
        }
        Process again = broker(port, controller, data, dir.resolve("2.txt"));
        try {
            awaitLine(dir.resolve("2.txt"), "Kafka broker ready at " + bootstrap, again);
            Cli.Result r = Cli.run("retrain", "--model", "default", "--no-publish", "-b", bootstrap);
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("on 4 records of 'examples'"), "the 4 examples survived the restart: " + r);
        } finally {
            again.destroy();
            again.waitFor(30, TimeUnit.SECONDS);
            again.destroyForcibly();
        }
    }

    @Test
    void theDemoPrintsTheTutorialsAccuracy() {
        Cli.Result r = Cli.run("demo");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("Test accuracy (read from 'scored-events'): 1.000  (50 of 50 correct)"), r.toString());
        assertTrue(r.out().contains("Published weights: version 3"), r.toString());
    }
}

package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.DemoFeed;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user must see ERROR only when something is wrong. Runs where nothing is, in child JVMs of the
 * jar as a user starts them, each of which logged an ERROR of Kafka's: the demo (twice: its
 * learner's first write to 'weights' in a transaction raced the previous commit's markers, and
 * the embedded broker logged the retried batch's OutOfOrderSequenceException), and a learner
 * killed with SIGKILL and started again (Kafka Streams rebuilds a store left without a
 * checkpoint, as it should under exactly-once, and listed it as an ERROR). A stop by SIGTERM of
 * {@code demo --serve} and of {@code run} is held to the same in {@link StopIT}.
 */
@WithKafka
class NoErrorInNormalRunsIT {
    private static final Pattern ERROR_LINE = Pattern.compile("(?m)^\\S+ ERROR .*$");

    private static void assertNoError(String what, String output) {
        Matcher m = ERROR_LINE.matcher(output);
        if (m.find()) {
            fail(what + " logged an ERROR: " + m.group() + "\n" + output);
        }
    }

    @Test
    void theDemoRunTwiceLogsNoError() throws Exception {
        for (int run = 1; run <= 2; run++) {
            TheJar.Result r = TheJar.run(List.of("-Xmx512m"), 180, List.of("demo"));
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("Test accuracy (read from 'scored-events'): 1.000"), r.output());
            assertNoError("demo run " + run, r.output());
        }
    }

    @Test
    void aLearnerKilledWhileItTrainsStartsAgainWithoutAnError(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String app = "quiet-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> args = List.of("run", "-b", kafka.bootstrapServers(), "--topic-prefix", app + "-",
                "--set", "applicationId=" + app, "--set", "stateDir=" + dir.resolve("state"));
        StreamlearnConfig config = ConfigLoader.load(null, Map.of("bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", app + "-", "applicationId", app));
        Process first = start(dir, "first", args);
        Process again = null;
        try (DemoFeed feed = awaitRunningThenFeed(dir, "first", first, config)) {
            // Long enough for the model store to hold commits, then killed in the middle of the stream.
            awaitInErr(dir, "first", first, "Restored model-state-store");
            Thread.sleep(4000);
            first.destroyForcibly();
            assertTrue(first.waitFor(10, TimeUnit.SECONDS));
            again = start(dir, "again", args);
            awaitInErr(dir, "again", again, "streamlearn running");
            // Trained on after the restart: what the killed one left was rebuilt, not fatal.
            Thread.sleep(3000);
            assertTrue(again.isAlive(), output(dir, "again"));
        } finally {
            if (again != null) {
                again.destroy();
                again.waitFor(30, TimeUnit.SECONDS);
                again.destroyForcibly();
            }
            first.destroyForcibly();
        }
        String restarted = output(dir, "again");
        assertTrue(restarted.contains("stopped cleanly"), restarted);
        // The case that logged the ERROR: Kafka Streams found the killed learner's store without a checkpoint.
        assertTrue(restarted.contains("did not find checkpoint offsets while stores are not empty"), restarted);
        assertNoError("the learner started again after SIGKILL", restarted);
    }

    private static DemoFeed awaitRunningThenFeed(Path dir, String name, Process p, StreamlearnConfig config) throws Exception {
        awaitInErr(dir, name, p, "streamlearn running");
        return DemoFeed.start(config, "blobs", 200, 5);
    }

    private static Process start(Path dir, String name, List<String> args) throws Exception {
        return TheJar.start(List.of("-Xmx512m", "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp"))), args,
                dir.resolve(name + ".out"), dir.resolve(name + ".err"));
    }

    private static void awaitInErr(Path dir, String name, Process p, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(dir.resolve(name + ".err")).contains(text) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.readString(dir.resolve(name + ".err")).contains(text), "'" + text + "'\n" + output(dir, name));
    }

    private static String output(Path dir, String name) throws Exception {
        return "--- stdout\n" + Files.readString(dir.resolve(name + ".out")) + "--- stderr\n" + Files.readString(dir.resolve(name + ".err"));
    }
}

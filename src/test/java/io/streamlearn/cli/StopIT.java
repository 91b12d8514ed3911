package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.DemoFeed;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import io.streamlearn.topology.Names;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the jar stops, as a user or a supervisor stops it: SIGTERM while it is busy, at a moment
 * drawn from its progress, several times over, must close it cleanly and soon (the feed, the
 * learner committing, the HTTP server, the embedded broker last) and leave state a restart picks
 * up; a learner that fails for real must say so on one line and exit with 1.
 *
 * <p>The JVM's answer to SIGTERM is exit code 143 (128 + 15; Ctrl-C, SIGINT, gives 130).
 */
@WithKafka
class StopIT {
    private static final int SIGTERM_EXIT = 143;
    /** A liveness bound, not a timing claim: a clean stop takes a few seconds, a hung one 30 s or more. */
    private static final long STOP_BOUND_SECONDS = 15;
    private static final Pattern ERROR_LOG_LINE = Pattern.compile("(?m)^\\S+ ERROR ");
    private static final Pattern SERVING = Pattern.compile("Serving: the dashboard is at (http://\\S+/) ");
    private static final Pattern HTTP = Pattern.compile("HTTP API and dashboard at (http://\\S+/)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** One start of the jar, its stdout and stderr in files. */
    private record Jar(Process process, Path outFile, Path errFile) {
        /** The jar, with {@code tmp} as its java.io.tmpdir so that what it leaves there can be looked at. */
        static Jar start(Path dir, String name, Path tmp, List<String> args) throws Exception {
            Path out = dir.resolve(name + ".out");
            Path err = dir.resolve(name + ".err");
            Files.createDirectories(tmp);
            return new Jar(TheJar.start(List.of("-Xmx512m", "-Djava.io.tmpdir=" + tmp), args, out, err), out, err);
        }

        String out() throws Exception {
            return Files.readString(outFile);
        }

        String err() throws Exception {
            return Files.readString(errFile);
        }

        String printed() throws Exception {
            return "--- stdout\n" + out() + "--- stderr\n" + err();
        }

        /** The first group of {@code p} in stdout, once printed; fails if the jar exits or does not print it. */
        String await(Pattern p) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && process.isAlive()) {
                Matcher m = p.matcher(out());
                if (m.find()) {
                    return m.group(1);
                }
                Thread.sleep(100);
            }
            throw new AssertionError("no " + p + " (exited: " + !process.isAlive() + ")\n" + printed());
        }

        void awaitAtLeast(String what, LongSupplier progress, long target) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            long now = progress.getAsLong();
            while (now < target && System.nanoTime() < deadline && process.isAlive()) {
                Thread.sleep(100);
                now = progress.getAsLong();
            }
            assertTrue(now >= target, what + " reached " + now + ", not " + target + "\n" + printed());
        }

        /** SIGTERM, and what a clean stop looks like from outside. */
        void stopCleanly(String when) throws Exception {
            long t0 = System.nanoTime();
            process.destroy();
            assertTrue(process.waitFor(STOP_BOUND_SECONDS, TimeUnit.SECONDS),
                    "stopped within " + STOP_BOUND_SECONDS + " s of SIGTERM " + when + "\n" + printed());
            // For the record (the report), not asserted: how long the stop took.
            System.out.printf("StopIT: SIGTERM %s: exit %d after %d ms%n", when, process.exitValue(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            String all = printed();
            assertEquals(SIGTERM_EXIT, process.exitValue(), when + "\n" + all);
            assertTrue(err().contains("streamlearn stopped cleanly (state committed, group left)"), when + "\n" + all);
            assertFalse(all.contains("did not stop"), when + "\n" + all);
            assertFalse(ERROR_LOG_LINE.matcher(all).find(), "no ERROR logged " + when + "\n" + all);
            assertFalse(err().lines().anyMatch(l -> l.startsWith("error:")), "a requested stop is no error " + when + "\n" + all);
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void demoServeStopsCleanlyOnSigtermWhileFedEveryTime(@TempDir Path dir) throws Exception {
        for (int run = 1; run <= 2; run++) {
            Path tmp = dir.resolve("tmp-" + run);
            Jar demo = Jar.start(dir, "demo-" + run, tmp, List.of("demo", "--serve", "--http-port", "0", "--rate", "300"));
            try {
                URI url = URI.create(demo.await(SERVING));
                long tutorial = trained(url);
                long target = tutorial + ThreadLocalRandom.current().nextLong(50, 1500);
                demo.awaitAtLeast("examples trained", () -> trained(url), target);
                demo.stopCleanly("in run " + run + " after " + target + " examples trained");
                assertTrue(demo.out().contains("Stopping...") && demo.out().contains("Stopped."), demo.printed());
                // The broker's log dir and the learner's state dir went with the stop.
                assertEquals(List.of(), leftIn(tmp), "left in the demo's temporary directory");
            } finally {
                demo.kill();
            }
        }
    }

    /** The tutorial demo (no --serve), stopped while its learner trains: the same clean stop, twice. */
    @Test
    void demoStopsCleanlyOnSigtermWhileItTrains(@TempDir Path dir) throws Exception {
        for (int run = 1; run <= 2; run++) {
            Path tmp = dir.resolve("tmp-" + run);
            Jar demo = Jar.start(dir, "tutorial-" + run, tmp, List.of("demo"));
            try {
                // Logged once Kafka Streams is RUNNING, before the demo feeds a single example.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!demo.err().contains("streamlearn running:") && demo.process().isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(demo.process().isAlive() && !demo.out().contains("Done in"),
                        "the demo is still running when it is stopped\n" + demo.printed());
                demo.stopCleanly("in run " + run + " while the tutorial trains");
                assertEquals(List.of(), leftIn(tmp), "left in the demo's temporary directory");
            } finally {
                demo.kill();
            }
        }
    }

    @Test
    void runStopsCleanlyOnSigtermUnderLoadAndRestartsFromWhatItCommitted(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String app = "stop-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> args = List.of("run", "-b", kafka.bootstrapServers(), "--topic-prefix", app + "-",
                "--set", "applicationId=" + app, "--set", "stateDir=" + dir.resolve("state"), "--http-port", "0");
        StreamlearnConfig config = ConfigLoader.load(null, Map.of("bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", app + "-", "applicationId", app));
        DemoFeed feed = null;
        long committed = 0;
        long seen = 0;
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            // Three stops under load, then a fourth start that must pick up where the third left off.
            for (int start = 1; start <= 4; start++) {
                Jar learner = Jar.start(dir, "run-" + start, dir.resolve("tmp"), args);
                try {
                    URI url = URI.create(learner.await(HTTP));
                    long restored = examplesSeen(url);
                    assertTrue(restored >= seen, "start " + start + " restored the model trained on " + restored
                            + " examples, less than the " + seen + " published before the stop\n" + learner.printed());
                    if (feed == null) {
                        feed = DemoFeed.start(config, "blobs", 500, 11);
                    }
                    long target = committed + ThreadLocalRandom.current().nextLong(50, 1500);
                    String examples = config.topics().examples();
                    learner.awaitAtLeast("the committed offset of " + examples, () -> committedOffset(admin, app, examples), target);
                    seen = examplesSeen(url);
                    learner.stopCleanly("at start " + start + " after offset " + target + " was committed");
                    committed = committedOffset(admin, app, examples);
                    assertTrue(committed >= target, "the stop kept the commits: " + committed + " < " + target);
                    assertEquals(List.of(), leftIn(dir.resolve("tmp")), "left in the learner's temporary directory");
                } finally {
                    learner.kill();
                }
            }
        } finally {
            if (feed != null) {
                feed.close();
            }
        }
    }

    @Test
    void aLearnerThatFailsSaysWhyOnOneLineAndExitsWithOne(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String app = "fatal-" + UUID.randomUUID().toString().substring(0, 8);
        Jar learner = Jar.start(dir, "fatal", dir.resolve("tmp"), List.of("run", "-b", kafka.bootstrapServers(),
                "--topic-prefix", app + "-", "--set", "applicationId=" + app, "--set", "stateDir=" + dir.resolve("state")));
        StreamlearnConfig config = ConfigLoader.load(null, Map.of("bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", app + "-", "applicationId", app));
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            learner.await(Pattern.compile("(streamlearn running) on"));
            // An operator lowers the model changelog's limit under the running learner: the broker
            // refuses the model's next checkpoint, which the learner must not go on without.
            ConfigResource changelog = new ConfigResource(ConfigResource.Type.TOPIC, Names.modelStoreChangelog(app));
            admin.incrementalAlterConfigs(Map.of(changelog, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "64"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            DemoFeed feed = DemoFeed.start(config, "blobs", 20, 3);
            try {
                assertTrue(learner.process().waitFor(60, TimeUnit.SECONDS), "the learner stops by itself\n" + learner.printed());
            } finally {
                feed.close();
            }
            String all = learner.printed();
            assertEquals(1, learner.process().exitValue(), all);
            List<String> errorLines = new ArrayList<>(learner.err().lines().filter(l -> l.startsWith("error:")).toList());
            assertEquals(1, errorLines.size(), all);
            String line = errorLines.get(0);
            assertTrue(line.startsWith("error: the learner stopped: ") && line.contains("RecordTooLargeException")
                    && line.contains("; start it again"), line);
            assertTrue(learner.err().contains("streamlearn is closing after a failure"), all);
            assertFalse(all.contains("stopped cleanly"), all);
        } finally {
            learner.kill();
        }
    }

    /** What is in a JVM's temporary directory besides the one copy of RocksDB's library that every start shares. */
    private static List<String> leftIn(Path tmp) throws Exception {
        try (var files = Files.list(tmp)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith("streamlearn-rocksdb-")).sorted().toList();
        }
    }

    private static JsonNode get(URI url, String path) {
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(url.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(url.resolve(path) + ": " + e, e);
        }
    }

    /** Examples trained by this process so far. */
    private static long trained(URI url) {
        return get(url, "/models/default").path("live").path("examplesTrained").asLong();
    }

    /** Examples behind the model's latest published weights (0 before any). */
    private static long examplesSeen(URI url) {
        HttpResponse<String> r;
        try {
            r = CLIENT.send(HttpRequest.newBuilder(url.resolve("/models/default")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 404 ? 0 : JSON.readTree(r.body()).path("examplesSeen").asLong();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long committedOffset(Admin admin, String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

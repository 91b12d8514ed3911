package io.streamlearn.interop;

import io.streamlearn.testing.ChildJvm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import io.streamlearn.topology.TopologyListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outside clients talk to the learner in the documented JSON shapes: Debian's kcat and
 * python3-confluent-kafka produce examples and events and read the scored events back.
 * Skipped, saying what to install, where those clients are missing.
 */
@WithKafka
class InteropIT {
    private static final String KCAT = "/usr/bin/kcat";
    private static final String PYTHON = "/usr/bin/python3";

    private static String exec(List<String> cmd, String stdin, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = ChildJvm.withTmpdir(new ProcessBuilder(cmd)).redirectErrorStream(false).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "finished: " + cmd);
        assertEquals(0, p.exitValue(), cmd + " failed: " + err);
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void kcatProducesExamplesAndEventsAndReadsScoredEvents(KafkaCluster kafka, @TempDir Path state) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(KCAT)), "kcat is not installed: apt-get install kcat");
        StreamlearnConfig c = learnerConfig(kafka, state);
        try (StreamlearnApp app = StreamlearnApp.start(c, TopologyListener.NONE, Duration.ofSeconds(60))) {
            StringBuilder examples = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                double a = (i % 20) / 5.0 - 2;
                double b = (i % 7) / 3.0 - 1;
                examples.append("ex-").append(i).append('\t').append("{\"id\": \"ex-").append(i)
                        .append("\", \"features\": [").append(a).append(", ").append(b).append("], \"label\": ")
                        .append(a + b > 0 ? 1 : 0).append("}\n");
            }
            // A tab separates key and value: JSON values contain colons (see kafka-facts).
            exec(List.of(KCAT, "-P", "-b", kafka.bootstrapServers(), "-t", c.topics().examples(), "-K", "\t"),
                    examples.toString(), 30);
            awaitWeights(app);
            exec(List.of(KCAT, "-P", "-b", kafka.bootstrapServers(), "-t", c.topics().events(), "-K", "\t"),
                    "k1\t{\"id\": \"e1\", \"features\": [1.5, 0.5]}\nk2\t{\"id\": \"e2\", \"features\": [-1.5, -0.5]}\n", 30);
            String scored = exec(List.of(KCAT, "-C", "-b", kafka.bootstrapServers(), "-t", c.topics().scoredEvents(),
                    "-o", "beginning", "-c", "2", "-e", "-K", "\t", "-X", "isolation.level=read_committed"), null, 60);
            List<String> lines = scored.lines().toList();
            assertEquals(2, lines.size(), scored);
            assertTrue(lines.get(0).startsWith("k1\t{\"id\":\"e1\",\"model\":\"default\",\"version\":"), scored);
            assertTrue(lines.get(0).contains("\"label\":1"), scored);
            assertTrue(lines.get(1).startsWith("k2\t") && lines.get(1).contains("\"label\":0"), scored);
        }
    }

    @Test
    void pythonConfluentKafkaRoundTrip(KafkaCluster kafka, @TempDir Path state, @TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && pythonHasConfluentKafka(),
                "python3-confluent-kafka is not installed: apt-get install python3-confluent-kafka");
        StreamlearnConfig c = learnerConfig(kafka, state);
        Path script = dir.resolve("roundtrip.py");
        try (var in = InteropIT.class.getResourceAsStream("/interop/roundtrip.py")) {
            Files.write(script, in.readAllBytes());
        }
        try (StreamlearnApp app = StreamlearnApp.start(c, TopologyListener.NONE, Duration.ofSeconds(60))) {
            String out = exec(List.of(PYTHON, script.toString(), kafka.bootstrapServers(), c.topics().examples(),
                    c.topics().events(), c.topics().scoredEvents()), null, 120);
            assertTrue(out.startsWith("scored 40 correct "), out);
            int correct = Integer.parseInt(out.trim().substring("scored 40 correct ".length()));
            assertTrue(correct >= 36, "a learned separator scores the 40 events: " + out);
        }
    }

    private static boolean pythonHasConfluentKafka() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka").start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static StreamlearnConfig learnerConfig(KafkaCluster kafka, Path state) {
        String run = "interop-" + UUID.randomUUID().toString().substring(0, 8);
        return ConfigLoader.fromYaml("""
                models:
                  - id: default
                    inputSize: 2
                    optimizer: {kind: adam, learningRate: 0.1}
                    snapshot: {everyUpdates: 20}
                """, Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-", "stateDir", state.toString()));
    }

    private static void awaitWeights(StreamlearnApp app) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            var p = app.registry().get("default");
            if (p != null && p.snapshot().getExamplesSeen() >= 200) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no weights trained on the 200 examples");
    }
}

package io.streamlearn.cli;

import io.streamlearn.testing.ChildJvm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `streamlearn run` in its own JVM: it starts, serves /health where asked, and SIGTERM closes it cleanly. */
@WithKafka
class RunCommandIT {
    private static final Pattern SERVED = Pattern.compile("HTTP API and dashboard at (http://127\\.0\\.0\\.1:\\d+/)");

    /** A running learner in a child JVM, its stdout and stderr in files. */
    private record Learner(Process process, Path out, Path err) {
        String printed() throws Exception {
            return Files.readString(out) + Files.readString(err);
        }
    }

    private static Learner start(KafkaCluster kafka, Path dir, String... extra) throws Exception {
        String run = "runcmd-" + UUID.randomUUID().toString().substring(0, 8);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        List<String> command = new ArrayList<>(ChildJvm.java("-cp", System.getProperty("java.class.path")));
        command.addAll(List.of("io.streamlearn.cli.Main", "run", "-b", kafka.bootstrapServers(), "--topic-prefix", run + "-",
                "--set", "applicationId=" + run, "--set", "stateDir=" + dir.resolve("state")));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out).contains("streamlearn running") && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(100);
        }
        return new Learner(p, out, err);
    }

    @Test
    void sigtermClosesTheLearnerCleanly(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        Learner l = start(kafka, dir);
        try {
            assertTrue(Files.readString(l.out()).contains("streamlearn running on " + kafka.bootstrapServers()), l.printed());
            l.process().destroy(); // SIGTERM
            assertTrue(l.process().waitFor(40, TimeUnit.SECONDS), "stopped after SIGTERM");
            assertTrue(Files.readString(l.err()).contains("streamlearn stopped cleanly"), l.printed());
        } finally {
            l.process().destroyForcibly();
        }
    }

    @Test
    void anyFreePortServesHealth(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        Learner l = start(kafka, dir, "--http-port", "0", "--http-host", "127.0.0.1");
        try {
            Matcher m = SERVED.matcher(Files.readString(l.out()));
            assertTrue(m.find(), l.printed());
            assertEquals(1, SERVED.matcher(l.printed()).results().count(), "the address printed once:\n" + l.printed());
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1) + "health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"ready\":true"), health.body());
            l.process().destroy(); // SIGTERM
            assertTrue(l.process().waitFor(40, TimeUnit.SECONDS), "stopped after SIGTERM");
        } finally {
            l.process().destroyForcibly();
        }
    }
}

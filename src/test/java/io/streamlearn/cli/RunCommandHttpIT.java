package io.streamlearn.cli;

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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `streamlearn run --http-port 0 --http-host 127.0.0.1` in its own JVM serves /health on the port it prints. */
@WithKafka
class RunCommandHttpIT {
    private static final Pattern SERVED = Pattern.compile("HTTP API and dashboard at (http://127\\.0\\.0\\.1:\\d+/)");

    @Test
    void anyFreePortServesHealth(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "runhttp-" + UUID.randomUUID().toString().substring(0, 8);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), "io.streamlearn.cli.Main",
                "run", "-b", kafka.bootstrapServers(), "--topic-prefix", run + "-", "--set", "applicationId=" + run,
                "--set", "stateDir=" + dir.resolve("state"), "--http-port", "0", "--http-host", "127.0.0.1"))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(out).contains("streamlearn running") && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(100);
            }
            String printed = Files.readString(out);
            Matcher m = SERVED.matcher(printed);
            assertTrue(m.find(), printed + Files.readString(err));
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1) + "health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"ready\":true"), health.body());
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(40, TimeUnit.SECONDS), "stopped after SIGTERM");
        } finally {
            p.destroyForcibly();
        }
    }
}

package io.streamlearn.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.app.Observability;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.snapshot.ModelRegistry;
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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness over HTTP through a learner's life: the server is up before Kafka Streams starts, so
 * during start-up /health answers 503 (live, not ready) rather than refusing the connection; 200
 * once RUNNING; 503 again once closed.
 */
@WithKafka
class StartupHealthIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One answer of /health and whether start() had returned when it was asked. */
    private record Answer(int status, JsonNode body, boolean afterStart) {
    }

    private StreamlearnConfig config(KafkaCluster kafka, Path dir) throws Exception {
        String run = "health-" + UUID.randomUUID().toString().substring(0, 8);
        return ConfigLoader.fromYaml("""
                models:
                  - {id: default, inputSize: 2, layers: [{units: 1, activation: sigmoid}]}
                """, Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-", "stateDir", Files.createDirectories(dir.resolve("state")).toString()));
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAnswersNotReadyBeforeRunningThenReadyThenNotReadyOnceClosed(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        StreamlearnConfig config = config(kafka, dir);
        List<Answer> answers = new CopyOnWriteArrayList<>();
        AtomicBoolean started = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        try (Observability obs = new Observability()) {
            // Asks /health as soon as the server exists, in a loop, while the main thread starts the learner.
            Thread prober = new Thread(() -> {
                while (!stop.get() && obs.http() == null) {
                    Thread.onSpinWait();
                }
                while (!stop.get()) {
                    try {
                        boolean afterStart = started.get();
                        HttpResponse<String> r = get(URI.create("http://127.0.0.1:" + obs.http().port() + "/health"));
                        answers.add(new Answer(r.statusCode(), JSON.readTree(r.body()), afterStart));
                        if (afterStart) {
                            return;
                        }
                    } catch (Exception e) {
                        answers.add(new Answer(-1, JSON.createObjectNode().put("error", e.toString()), started.get()));
                        return;
                    }
                }
            }, "health-prober");
            prober.setDaemon(true);
            prober.start();
            StreamlearnApp app;
            try {
                app = obs.start(config, new ModelRegistry(), "127.0.0.1", 0, Duration.ofSeconds(60));
            } finally {
                started.set(true);
            }
            prober.join(Duration.ofSeconds(30).toMillis());
            stop.set(true);
            URI base = URI.create("http://127.0.0.1:" + obs.http().port());
            try {
                assertFalse(answers.isEmpty(), "the prober got answers");
                Answer first = answers.get(0);
                assertFalse(first.afterStart(), "/health answered while start() was still waiting for RUNNING: " + answers);
                assertEquals(503, first.status(), first.toString());
                assertFalse(first.body().path("ready").asBoolean(true), first.toString());
                assertTrue(first.body().path("live").asBoolean(), "starting is alive: " + first);
                assertNotEquals("RUNNING", first.body().path("state").asText(), first.toString());
                for (Answer a : answers) {
                    assertTrue(a.status() == 503 || a.status() == 200, "every answer is 503 or 200, none refused: " + a);
                    assertEquals(a.status() == 200, a.body().path("ready").asBoolean(), a.toString());
                }

                HttpResponse<String> ready = get(base.resolve("/health/ready"));
                assertEquals(200, ready.statusCode(), ready.body());
                assertEquals("RUNNING", JSON.readTree(ready.body()).path("state").asText());
            } finally {
                app.close();
            }
            HttpResponse<String> closed = get(base.resolve("/health/ready"));
            assertEquals(503, closed.statusCode(), closed.body());
            JsonNode n = JSON.readTree(closed.body());
            assertFalse(n.path("ready").asBoolean(true), n.toString());
            assertEquals("NOT_RUNNING", n.path("state").asText(), n.toString());
            HttpResponse<String> live = get(base.resolve("/health/live"));
            assertEquals(503, live.statusCode(), "a closed learner is not alive either: " + live.body());
            assertNotNull(JSON.readTree(live.body()).get("live"));
        }
    }

    @Test
    void theHookRunsBeforeKafkaStreamsStarts(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        StreamlearnConfig config = config(kafka, dir);
        List<HttpResponse<String>> during = new CopyOnWriteArrayList<>();
        try (Observability obs = new Observability()) {
            ModelRegistry registry = new ModelRegistry();
            try (StreamlearnApp app = StreamlearnApp.start(config, registry, obs.listener(registry), Duration.ofSeconds(60), a -> {
                HttpApi http = obs.attach(a, "127.0.0.1", 0);
                try {
                    during.add(get(URI.create("http://127.0.0.1:" + http.port() + "/health")));
                    during.add(get(URI.create("http://127.0.0.1:" + http.port() + "/health/live")));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            })) {
                assertEquals(2, during.size());
                assertEquals(503, during.get(0).statusCode(), during.get(0).body());
                JsonNode n = JSON.readTree(during.get(0).body());
                assertEquals("CREATED", n.path("state").asText(), n.toString());
                assertFalse(n.path("ready").asBoolean(true));
                assertEquals(200, during.get(1).statusCode(), "created is alive: " + during.get(1).body());
                assertEquals(200, get(URI.create("http://127.0.0.1:" + obs.http().port() + "/health")).statusCode());
            }
        }
    }
}

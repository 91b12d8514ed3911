package io.streamlearn.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.app.Observability;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.PrometheusText;
import io.streamlearn.testing.WithKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint of the HTTP API against a learner on a real broker: the default model is
 * trained on {@value #EXAMPLES} examples produced to {@code examples}, {@value #EVENTS} events
 * are scored, and one bad record goes to each input's dead letters; then the API is asked.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiIT {
    private static final int EXAMPLES = 300;
    private static final int EVENTS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private StreamlearnConfig config;
    private Observability observability;
    private StreamlearnApp app;
    private URI base;

    @BeforeAll
    void startAndTrain(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "http-" + UUID.randomUUID().toString().substring(0, 8);
        config = ConfigLoader.fromYaml("""
                models:
                  - id: default
                    inputSize: 2
                    layers: [{units: 1, activation: sigmoid}]
                    optimizer: {kind: adam, learningRate: 0.1}
                    snapshot: {everyUpdates: 25, everyMs: 100000000}
                """, Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-", "stateDir", Files.createDirectories(dir.resolve("state")).toString()));
        observability = new Observability();
        ModelRegistry registry = new ModelRegistry();
        app = StreamlearnApp.start(config, registry, observability.listener(registry), Duration.ofSeconds(60));
        HttpApi http = observability.attach(app, "127.0.0.1", 0);
        base = URI.create("http://127.0.0.1:" + http.port());

        Codec<LabeledExample> examples = Topics.of(config).examples().codec();
        Codec<Event> events = Topics.of(config).events().codec();
        Random r = new Random(11);
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < EXAMPLES; i++) {
                double[] x = {r.nextGaussian(), r.nextGaussian()};
                p.send(new ProducerRecord<>(config.topics().examples(), null, 1_000L + i, null,
                        examples.encode(LabeledExample.of("x" + i, null, x, x[0] + x[1] > 0 ? 1 : 0))), delivered);
            }
            p.send(new ProducerRecord<>(config.topics().examples(), null, 1_000L + EXAMPLES, null,
                    "this is not JSON".getBytes(StandardCharsets.UTF_8)), delivered);
            p.flush();
            delivered.check();
            await(() -> registry.get("default") != null
                    && registry.get("default").snapshot().getExamplesSeen() == EXAMPLES, "the model trained on every example");
            for (int i = 0; i < EVENTS; i++) {
                double[] x = {r.nextGaussian(), r.nextGaussian()};
                p.send(new ProducerRecord<>(config.topics().events(), null, 5_000L + i, ("e" + i).getBytes(StandardCharsets.UTF_8),
                        events.encode(new Event("e" + i, null, x))), delivered);
            }
            p.send(new ProducerRecord<>(config.topics().events(), null, 5_000L + EVENTS, null,
                    events.encode(new Event("wrong", null, new double[] {1, 2, 3}))), delivered);
            p.flush();
            delivered.check();
        }
        // Both dead letters and every scored event are seen by the listeners, and the sampler ran
        // after training ended (it samples once a second: an earlier sample shows an older version).
        await(() -> history().path("scored").asInt() == EVENTS && history().path("deadLetters").asInt() == 2
                && lastSampledVersion() == EXAMPLES / 25, "events scored and sampled");
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
        if (observability != null) {
            observability.close();
        }
    }

    private long lastSampledVersion() {
        JsonNode samples = history().path("models").path("default").path("samples");
        return samples.size() == 0 ? -1 : samples.get(samples.size() - 1).get(4).asLong();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    private HttpResponse<String> call(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    private HttpResponse<String> get(String path) {
        return call("GET", path, null);
    }

    private static JsonNode json(HttpResponse<String> r) {
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), r.body());
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    private JsonNode history() {
        return json(get("/api/history"));
    }

    /** A 4xx answer: the status, a JSON error naming the problem, and nothing of a stack trace. */
    private static void assertError(HttpResponse<String> r, int status, String mentions) {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode n = json(r);
        assertEquals(status, n.path("status").asInt());
        assertTrue(n.path("error").asText().contains(mentions), "error '" + n.path("error").asText() + "' mentions " + mentions);
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat ") || r.body().contains("io.streamlearn."),
                "no stack trace: " + r.body());
    }

    @Test
    void healthIsReadyWhileRunning() {
        HttpResponse<String> r = get("/health");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode n = json(r);
        assertEquals("RUNNING", n.path("state").asText());
        assertTrue(n.path("ready").asBoolean());
        assertTrue(n.path("live").asBoolean());
        assertEquals(1, n.path("models").asInt());
        assertEquals(200, get("/health/live").statusCode());
        assertEquals(200, get("/health/ready").statusCode());
    }

    @Test
    void modelsListsTheTrainedModel() {
        HttpResponse<String> r = get("/models");
        assertEquals(200, r.statusCode());
        JsonNode list = json(r);
        assertEquals(1, list.size(), r.body());
        JsonNode m = list.get(0);
        assertEquals("default", m.path("model").asText());
        assertEquals(EXAMPLES / 25, m.path("version").asLong(), "published every 25 updates");
        assertEquals(EXAMPLES, m.path("examplesSeen").asLong());
        assertEquals("LIVE", m.path("source").asText());
    }

    @Test
    void oneModelHasSpecVersionCountersMetricsAndWeights() {
        HttpResponse<String> r = get("/models/default");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode m = json(r);
        assertEquals("default", m.path("model").asText());
        assertEquals(EXAMPLES / 25, m.path("version").asLong());
        JsonNode spec = m.path("spec");
        assertEquals(2, spec.path("inputSize").asInt());
        assertEquals("sigmoid", spec.path("layers").get(0).path("activation").asText().toLowerCase());
        assertEquals(1, spec.path("layers").get(0).path("units").asInt());
        assertEquals(0.1, spec.path("learningRate").asDouble(), 1e-12);
        assertEquals(EXAMPLES, m.path("counters").path("examplesSeen").asLong());
        assertEquals(EXAMPLES, m.path("counters").path("updatesApplied").asLong());
        double accuracy = m.path("metrics").path("accuracy").asDouble();
        assertTrue(accuracy > 0.85 && accuracy <= 1, "prequential accuracy " + accuracy);
        assertTrue(m.path("metrics").path("logLoss").asDouble() > 0);
        JsonNode layer = m.path("weights").get(0);
        assertEquals(1, layer.path("rows").asInt());
        assertEquals(2, layer.path("cols").asInt());
        assertEquals(2, layer.path("weights").size());
        assertEquals(1, layer.path("biases").size());
        assertTrue(layer.path("weights").get(0).asDouble() > 0 && layer.path("weights").get(1).asDouble() > 0,
                "the boundary x0 + x1 = 0 was learned: " + layer);
        JsonNode live = m.path("live");
        assertEquals(EXAMPLES, live.path("examplesTrained").asLong());
        assertEquals(EXAMPLES / 25, live.path("version").asLong());
        assertTrue(live.path("windowAccuracy").isNumber(), live.toString());
        assertTrue(live.path("windowLogLoss").asDouble() > 0, live.toString());
        assertError(get("/models/nope"), 404, "nope");
        assertError(get("/models/default/extra"), 404, "no such resource");
    }

    @Test
    void predictAnswersWithOutputLabelAndVersion() {
        DecodedSnapshot held = app.registry().get("default");
        HttpResponse<String> r = call("POST", "/models/default/predict", "{\"features\": [2.0, 1.5]}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode p = json(r);
        assertEquals("default", p.path("model").asText());
        assertEquals(held.version(), p.path("version").asLong(), "answered from the newest weights held");
        assertEquals(1, p.path("output").size());
        assertTrue(p.path("output").get(0).asDouble() > 0.5, r.body());
        assertEquals(1, p.path("label").asInt());
        JsonNode q = json(call("POST", "/models/default/predict", "{\"features\": [-2, -1.5]}"));
        assertEquals(0, q.path("label").asInt());
        assertTrue(q.path("output").get(0).asDouble() < 0.5);
    }

    @Test
    void badPredictionsAreRefusedWithJsonErrors() {
        assertError(call("POST", "/models/default/predict", "{\"features\": [1, 2"), 400, "not valid JSON");
        assertError(call("POST", "/models/default/predict", ""), 400, "features");
        assertError(call("POST", "/models/default/predict", "{\"features\": [1, 2]} trailing"), 400, "not valid JSON");
        assertError(call("POST", "/models/default/predict", "[1, 2]"), 400, "features");
        assertError(call("POST", "/models/default/predict", "{\"features\": \"1, 2\"}"), 400, "features");
        assertError(call("POST", "/models/default/predict", "{\"x\": [1, 2]}"), 400, "features");
        assertError(call("POST", "/models/default/predict", "{\"features\": [1]}"), 422, "takes 2 features, got 1");
        assertError(call("POST", "/models/default/predict", "{\"features\": [1, 2, 3]}"), 422, "takes 2 features, got 3");
        assertError(call("POST", "/models/default/predict", "{\"features\": [1, \"2\"]}"), 422, "features[1]");
        assertError(call("POST", "/models/default/predict", "{\"features\": [1, 1e400]}"), 422, "finite");
        assertError(call("POST", "/models/default/predict", "{\"features\": [1, null]}"), 422, "features[1]");
        assertError(call("POST", "/models/unknown/predict", "{\"features\": [1, 2]}"), 404, "unknown");
        assertError(call("POST", "/models/default/predict", "{\"features\": [" + "1,".repeat(600_000) + "1]}"), 413, "larger");

        HttpResponse<String> wrongMethod = get("/models/default/predict");
        assertError(wrongMethod, 405, "POST");
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElse(""));
        // The catalogue's writes (ModelCatalogueIT changes models through them) refuse what the file would.
        assertError(call("POST", "/models", "{}"), 400, "with its id");
        assertError(call("PATCH", "/models/default", "{\"inputSize\": 3}"), 400, "inputSize 2 → 3");
        assertError(call("DELETE", "/models/nosuch", null), 400, "not in the catalogue");
        HttpResponse<String> put = call("PUT", "/models/default", "{}");
        assertError(put, 405, "PATCH");
        assertTrue(put.headers().firstValue("Allow").orElse("").contains("GET"));
        assertError(get("/nothing/here"), 404, "no such resource");
    }

    @Test
    void theGridGivesTheDecisionRegions() {
        HttpResponse<String> r = get("/models/default/grid?xmin=-2&xmax=2&ymin=-2&ymax=2");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode g = json(r);
        JsonNode rows = g.path("classes");
        assertEquals(HttpApi.GRID, rows.size());
        assertEquals(HttpApi.GRID, rows.get(0).size());
        assertEquals(0, rows.get(0).get(0).asInt(), "bottom left (-2, -2) is class 0");
        assertEquals(1, rows.get(HttpApi.GRID - 1).get(HttpApi.GRID - 1).asInt(), "top right (2, 2) is class 1");
        assertEquals(-2, g.path("xmin").asDouble());
        assertError(get("/models/default/grid?xmin=abc"), 400, "xmin");
        assertError(get("/models/default/grid?xmin=1&xmax=0"), 400, "xmin < xmax");
        assertError(get("/models/default/grid?ymax=NaN"), 400, "finite");
        assertError(get("/models/nope/grid"), 404, "nope");
    }

    @Test
    void metricsParseAsPrometheusText() {
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                r.headers().toString());
        PrometheusText text = PrometheusText.parse(r.body());

        Set<String> streamlearn = text.families("streamlearn_");
        assertTrue(streamlearn.containsAll(Set.of("streamlearn_examples_trained_total", "streamlearn_updates_applied_total",
                "streamlearn_prequential_accuracy", "streamlearn_prequential_log_loss", "streamlearn_prequential_window_accuracy",
                "streamlearn_prequential_window_log_loss",
                "streamlearn_model_version", "streamlearn_snapshot_age_seconds", "streamlearn_late_records",
                "streamlearn_dead_letters_total", "streamlearn_scoring_seconds", "streamlearn_scoring_seconds_max")), streamlearn.toString());
        assertFalse(text.families("jvm_").isEmpty());
        assertTrue(text.families("jvm_").containsAll(Set.of("jvm_memory_used_bytes", "jvm_threads_live_threads")),
                text.families("jvm_").toString());
        assertTrue(text.families("kafka_stream_").size() >= 5, "Kafka Streams' client metrics: " + text.families("kafka_stream_"));
        assertFalse(text.families("process_").isEmpty());

        Map<String, String> model = Map.of("model", "default");
        assertEquals(EXAMPLES, text.value("streamlearn_examples_trained_total", model));
        assertEquals(EXAMPLES, text.value("streamlearn_updates_applied_total", model));
        assertEquals(EXAMPLES / 25, text.value("streamlearn_model_version", model));
        assertTrue(text.value("streamlearn_prequential_accuracy", model) > 0.85);
        assertTrue(text.value("streamlearn_snapshot_age_seconds", model) >= 0);
        assertEquals(EVENTS, text.value("streamlearn_scoring_seconds_count", model));
        assertEquals(1, text.value("streamlearn_dead_letters_total",
                Map.of("topic", config.topics().examples(), "reason", "UNDECODABLE")));
        assertEquals(1, text.value("streamlearn_dead_letters_total",
                Map.of("topic", config.topics().events(), "reason", "WRONG_DIMENSION")));
        assertEquals(1, text.value("kafka_stream_alive_stream_threads", Map.of()), "Kafka Streams reports its thread");

        HttpResponse<String> head = call("HEAD", "/metrics", null);
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void historyHasSamplesPointsAndDeadLetters() {
        JsonNode h = history();
        assertEquals(EVENTS, h.path("scored").asInt());
        assertEquals(2, h.path("deadLetters").asInt());
        assertEquals(1, h.path("deadLetterReasons").path("UNDECODABLE").asInt());
        assertEquals(1, h.path("deadLetterReasons").path("WRONG_DIMENSION").asInt());
        JsonNode m = h.path("models").path("default");
        assertEquals(2, m.path("inputs").asInt());
        assertEquals(EXAMPLES / 25, m.path("version").asLong());
        assertEquals(EVENTS, m.path("points").size(), "every scored two-feature event is a point");
        JsonNode point = m.path("points").get(0);
        assertEquals(3, point.size());
        JsonNode sample = m.path("samples").get(m.path("samples").size() - 1);
        assertEquals(8, sample.size(), sample.toString());
        assertTrue(sample.get(1).asDouble() > 0.85, "running accuracy " + sample);
        assertTrue(sample.get(7).asDouble() > 0, "window log loss " + sample);
        assertEquals(EXAMPLES / 25, sample.get(4).asLong());
    }

    @Test
    void theDashboardIsServedFromTheApplication() {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<script src=\"dashboard.js\">"), page.body());
        assertFalse(page.body().contains("http://") || page.body().contains("https://"), "no outside resources");
        HttpResponse<String> js = get("/dashboard.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertTrue(js.body().contains("/api/history"));
        assertFalse(js.body().contains("http://") || js.body().contains("https://"), "no outside resources");
        assertNotNull(get("/index.html").body());
    }
}

package io.streamlearn.app;

import static io.streamlearn.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.DriftRecord;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.http.HttpApi;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.testing.CommittedRecords;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.testing.KafkaCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream whose concept flips at a known example, through a real broker: the model's detector
 * finds it soon after, and a user sees it in every place it is promised — a version on weights
 * whose reason says so, one record on the drift topic naming that version (read_committed, as a
 * downstream consumer would), the Prometheus meter, and a mark on the dashboard's history.
 */
@ExtendWith(KafkaBroker.class)
class DriftIT {
    private static final int STEADY = 3000;
    private static final int FLIPPED = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aPlantedDriftIsPublishedRecordedCountedAndMarked(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "drift-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig config = ConfigLoader.fromYaml("""
                models:
                  - id: default
                    inputSize: 2
                    drift: {action: reset}
                    snapshot: {everyUpdates: 500, everyMs: 100000000}
                """, Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-", "stateDir", Files.createDirectories(dir.resolve("state")).toString()));
        Codec<LabeledExample> examples = Topics.of(config).examples().codec();
        try (Observability observability = new Observability()) {
            ModelRegistry registry = new ModelRegistry();
            try (StreamlearnApp app = StreamlearnApp.start(config, registry, observability.listener(registry), Duration.ofSeconds(60))) {
                HttpApi http = observability.attach(app, "127.0.0.1", 0);
                URI base = URI.create("http://127.0.0.1:" + http.port());
                try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
                    send(p, config, examples, 0, STEADY, false);
                    await(() -> registry.get("default") != null && registry.get("default").snapshot().getExamplesSeen() == STEADY,
                            "the steady part learned");
                    // The dashboard marks a rise of the published drift count between two of its
                    // samples: wait for a sample of the steady model before the flip.
                    long steadyVersion = registry.get("default").version();
                    await(() -> lastSampledVersion(base) >= steadyVersion, "a dashboard sample of the steady model");
                    assertEquals(0, history(base).path("models").path("default").path("drifts").size(), "no drift while steady");
                    send(p, config, examples, STEADY, STEADY + FLIPPED, true);
                }
                await(() -> history(base).path("models").path("default").path("drifts").size() > 0, "a drift mark on the dashboard");

                List<WeightSnapshot> versions = CommittedRecords.readAll(KafkaProperties.common(config), config.topics().weights(), 1).stream()
                        .map(r -> Topics.of(config).weights().codec().decode(r.value())).toList();
                List<WeightSnapshot> driftVersions = versions.stream()
                        .filter(w -> w.getReason() != null && w.getReason().startsWith("drift: prequential error")).toList();
                assertTrue(!driftVersions.isEmpty(), "a version published for the drift: " + versions);
                WeightSnapshot first = driftVersions.get(0);
                assertTrue(first.getExamplesSeen() > STEADY && first.getExamplesSeen() < STEADY + 300,
                        "found soon after the flip at " + STEADY + ": " + first.getExamplesSeen());
                assertTrue(first.getReason().endsWith("; optimizer state reset"), first.getReason());

                List<DriftRecord> drifts = CommittedRecords.readAll(KafkaProperties.common(config), config.topics().drift(), 1).stream()
                        .map(r -> Topics.of(config).drift().codec().decode(r.value())).toList();
                assertEquals(driftVersions.size(), drifts.size(), "one drift record per drift version: " + drifts);
                DriftRecord d = drifts.get(0);
                assertEquals(new DriftRecord("default", first.getVersion(), first.getExamplesSeen(), d.errorBefore(),
                        d.errorAfter(), "reset", 1_000L + first.getExamplesSeen() - 1), d);
                assertTrue(first.getReason().contains(String.format(Locale.ROOT, "%.4f → %.4f", d.errorBefore(), d.errorAfter())),
                        first.getReason() + " / " + d);

                JsonNode mark = history(base).path("models").path("default").path("drifts").get(0);
                assertTrue(mark.path("version").asLong() >= first.getVersion(), mark.toString());
                assertTrue(mark.path("drifts").asLong() >= 1, mark.toString());
                String metrics = get(base, "/metrics");
                assertTrue(metrics.lines().anyMatch(l -> l.startsWith("streamlearn_drift_detected{")
                        && l.contains("model=\"default\"") && !l.endsWith(" 0.0")), metrics);
            }
        }
    }

    /** Examples {@code from..to}, one millisecond apart; the label's rule flips in the flipped part. */
    private static void send(KafkaProducer<byte[], byte[]> p, StreamlearnConfig config, Codec<LabeledExample> codec,
                             int from, int to, boolean flipped) throws Exception {
        Random r = new Random(from + 17);
        Deliveries delivered = new Deliveries();
        for (int i = from; i < to; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian()};
            int y = (x[0] + x[1] > 0) != flipped ? 1 : 0;
            p.send(new ProducerRecord<>(config.topics().examples(), null, 1_000L + i, null,
                    codec.encode(LabeledExample.of("x" + i, null, x, y))), delivered);
        }
        p.flush();
        delivered.check();
    }

    private long lastSampledVersion(URI base) {
        JsonNode samples = history(base).path("models").path("default").path("samples");
        return samples.isEmpty() ? -1 : samples.get(samples.size() - 1).get(4).asLong();
    }

    private JsonNode history(URI base) {
        try {
            return JSON.readTree(get(base, "/api/history"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String get(URI base, String path) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }
}

package io.streamlearn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.app.KafkaProperties;
import io.streamlearn.app.Observability;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.avro.LayerWeights;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.http.HttpApi;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.testing.CommittedRecords;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.LearnerAwait;
import io.streamlearn.testing.PrometheusText;
import io.streamlearn.testing.WithKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model driven to diverge, end to end on a real broker. A linear unit with squared error and
 * learning rate 1 learns 20 ordinary examples, then 30 whose features are around ±1e200 (finite,
 * so validation lets them through, but each gradient overflows), then 50 ordinary ones. Then:
 *
 * <ol>
 *   <li>every snapshot on {@code weights} (read_committed, to its end) holds only finite numbers
 *       (weights, biases, optimizer state, prequential figures): one per applied update, none for
 *       the refused ones;</li>
 *   <li>the refusals are visible: {@code updatesRefused} = 30 in the snapshot, on
 *       {@code /models/default}, and {@code streamlearn_updates_refused_total} = 30 on
 *       {@code /metrics} (70 updates applied);</li>
 *   <li>the published weights equal, bit for bit, those of a learner fed only the 70 ordinary
 *       examples: a refused update leaves no trace;</li>
 *   <li>events are scored with finite outputs, those of the published weights.</li>
 * </ol>
 */
@WithKafka
class NonFiniteUpdateIT {
    private static final int BEFORE = 20;
    private static final int HUGE = 30;
    private static final int AFTER = 50;
    private static final int EXAMPLES = BEFORE + HUGE + AFTER;
    private static final int EVENTS = 10;
    private static final long T0 = 1_000_000L;

    private static double[] ordinary(Random r) {
        // |x|² + 1 (the bias) ≤ 1.5 < 2: at learning rate 1 each ordinary step contracts the error.
        return new double[] {r.nextDouble() - 0.5, r.nextDouble() - 0.5};
    }

    private static double[] huge(Random r) {
        return new double[] {(r.nextBoolean() ? 1 : -1) * (1 + r.nextDouble()) * 1e200,
                (r.nextBoolean() ? 1 : -1) * (1 + r.nextDouble()) * 1e200};
    }

    @Test
    void divergingUpdatesAreRefusedAndOnlyFiniteWeightsArePublished(KafkaCluster kafka, @TempDir Path state)
            throws Exception {
        String run = "nonfinite-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig config = ConfigLoader.fromYaml("""
                models:
                  - id: default
                    inputSize: 2
                    layers: [{units: 1, activation: linear}]
                    loss: squared_error
                    optimizer: {kind: sgd, learningRate: 1}
                    update: {mode: stochastic}
                    snapshot: {everyUpdates: 1, everyMs: 100000000}
                """, Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                "stateDir", state.toString()));

        Random r = new Random(12);
        List<LabeledExample> examples = new ArrayList<>();
        for (int i = 0; i < EXAMPLES; i++) {
            double[] x = i >= BEFORE && i < BEFORE + HUGE ? huge(r) : ordinary(r);
            examples.add(LabeledExample.of("x" + i, null, x, x[0] + x[1] > 0 ? 1 : 0));
        }
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(new Event("ev" + i, null, ordinary(r)));
        }
        // What should come out: the same stream through an in-memory learner, and one that never saw the huge examples.
        OnlineLearner reference = OnlineLearner.fresh(config.model("default"));
        OnlineLearner ordinaryOnly = OnlineLearner.fresh(config.model("default"));
        for (int i = 0; i < EXAMPLES; i++) {
            LabeledExample e = examples.get(i);
            reference.learn(e.features(), e.label(), T0 + i);
            if (i < BEFORE || i >= BEFORE + HUGE) {
                ordinaryOnly.learn(e.features(), e.label(), T0 + i);
            }
        }
        assertEquals(HUGE, reference.updatesRefused(), "every huge example overflows");
        assertEquals(BEFORE + AFTER, reference.network().updatesApplied());

        ModelRegistry registry = new ModelRegistry();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Codec<LabeledExample> exampleCodec = Topics.of(config).examples().codec();
        Codec<Event> eventCodec = Topics.of(config).events().codec();
        try (Observability observability = new Observability();
             StreamlearnApp app = StreamlearnApp.start(config, registry, observability.listener(registry), Duration.ofSeconds(60));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            HttpApi api = observability.attach(app, "127.0.0.1", 0);
            URI base = URI.create("http://127.0.0.1:" + api.port());

            Deliveries delivered = new Deliveries();
            for (int i = 0; i < EXAMPLES; i++) {
                producer.send(new ProducerRecord<>(config.topics().examples(), null, T0 + i, utf8("user-" + (i % 5)),
                        exampleCodec.encode(examples.get(i))), delivered);
            }
            producer.flush();
            delivered.check();
            await(app, () -> seen(registry) == EXAMPLES,
                    () -> "a snapshot of all " + EXAMPLES + " examples (now " + seen(registry) + ")");

            // (1) Every snapshot finite; one per applied update.
            Codec<WeightSnapshot> snapshots = Topics.of(config).weights().codec();
            List<WeightSnapshot> published = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> rec : readAll(config, config.topics().weights(), BEFORE + AFTER)) {
                published.add(snapshots.decode(rec.value()));
            }
            assertEquals(BEFORE + AFTER, published.size(), "one snapshot per applied update, none per refused one");
            for (int v = 0; v < published.size(); v++) {
                WeightSnapshot s = published.get(v);
                assertEquals(v + 1, s.getVersion());
                assertAllFinite(s);
                assertEquals(s.getExamplesSeen() <= BEFORE ? 0 : HUGE, s.getUpdatesRefused(), "version " + s.getVersion());
            }

            // (2) The refusals are visible in the snapshot, on /models/default and on /metrics.
            WeightSnapshot last = published.get(published.size() - 1);
            assertEquals(HUGE, last.getUpdatesRefused());
            assertEquals(BEFORE + AFTER, last.getUpdatesApplied());
            assertEquals(EXAMPLES, last.getExamplesSeen());
            JsonNode model = new ObjectMapper().readTree(get(http, base.resolve("/models/default")));
            assertEquals(HUGE, model.path("counters").path("updatesRefused").asLong(-1));
            assertEquals(HUGE, model.path("live").path("updatesRefused").asLong(-1));
            PrometheusText metrics = PrometheusText.parse(get(http, base.resolve("/metrics")));
            assertEquals(HUGE, metrics.value("streamlearn_updates_refused_total", Map.of("model", "default")));
            assertEquals(BEFORE + AFTER, metrics.value("streamlearn_updates_applied_total", Map.of("model", "default")));
            assertEquals(EXAMPLES, metrics.value("streamlearn_examples_trained_total", Map.of("model", "default")));

            // (3) No trace of the refused updates in the weights.
            for (int l = 0; l < reference.network().layerCount(); l++) {
                assertBits(ordinaryOnly.network().weights(l), last.getLayers().get(l).getWeights(), "layer " + l + " weights");
                assertBits(ordinaryOnly.network().biases(l), last.getLayers().get(l).getBiases(), "layer " + l + " biases");
                assertBits(reference.network().weights(l), last.getLayers().get(l).getWeights(), "same as the full stream");
            }

            // (4) Events scored with finite outputs, those of the published weights.
            Deliveries sentEvents = new Deliveries();
            for (int i = 0; i < EVENTS; i++) {
                producer.send(new ProducerRecord<>(config.topics().events(), null, T0 + EXAMPLES + i, utf8("ev" + i),
                        eventCodec.encode(events.get(i))), sentEvents);
            }
            producer.flush();
            sentEvents.check();
            List<ConsumerRecord<byte[], byte[]>> scored = readAll(config, config.topics().scoredEvents(), EVENTS);
            assertEquals(EVENTS, scored.size());
            Codec<ScoredEvent> predictions = Topics.of(config).scoredEvents().codec();
            double[] out = new double[1];
            for (int i = 0; i < EVENTS; i++) {
                ScoredEvent p = predictions.decode(scored.get(i).value());
                assertEquals(events.get(i).id(), p.id());
                assertEquals(last.getVersion(), p.version());
                assertTrue(Double.isFinite(p.output()[0]), p.id() + " scored " + p.output()[0]);
                ordinaryOnly.network().predict(events.get(i).features(), out);
                assertEquals(Double.doubleToRawLongBits(out[0]), Double.doubleToRawLongBits(p.output()[0]),
                        p.id() + ": the output of the published weights");
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long seen(ModelRegistry registry) {
        DecodedSnapshot p = registry.get("default");
        return p == null ? -1 : p.snapshot().getExamplesSeen();
    }

    private static String get(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), uri + ": " + response.body());
        return response.body();
    }

    private static void assertAllFinite(WeightSnapshot s) {
        for (LayerWeights l : s.getLayers()) {
            l.getWeights().forEach(w -> assertTrue(Double.isFinite(w), "weight " + w + " in version " + s.getVersion()));
            l.getBiases().forEach(b -> assertTrue(Double.isFinite(b), "bias " + b + " in version " + s.getVersion()));
        }
        s.getOptimizerState().getSlots().forEach(slot -> slot.forEach(v ->
                assertTrue(Double.isFinite(v), "optimizer state " + v + " in version " + s.getVersion())));
        var m = s.getMetrics();
        for (double v : new double[] {m.getAccuracy(), m.getLogLoss(), m.getLogLossSum()}) {
            assertTrue(Double.isFinite(v), "prequential figure " + v + " in version " + s.getVersion());
        }
    }

    private static void assertBits(double[] expected, List<Double> got, String what) {
        assertEquals(expected.length, got.size(), what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(got.get(i)),
                    what + "[" + i + "] bit for bit");
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(StreamlearnConfig config, String topic, int atLeast) {
        return CommittedRecords.readAll(KafkaProperties.common(config), topic, atLeast);
    }

    private static void await(StreamlearnApp app, BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        LearnerAwait.until(app, Duration.ofSeconds(60), condition, what);
    }
}

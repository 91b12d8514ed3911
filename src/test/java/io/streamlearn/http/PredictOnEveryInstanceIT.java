package io.streamlearn.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.app.Observability;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two learner instances of one application on one broker, two partitions, two models routed to
 * different partitions: each model is trained on one instance only, yet both instances answer
 * GET /models/{id} and POST /models/{id}/predict for every model with the same version and the
 * same output to the bit (both hold every published snapshot), and both follow newer versions.
 */
@WithKafka
class PredictOnEveryInstanceIT {
    private static final int PARTITIONS = 2;
    private static final int EVERY = 25;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double[][] PROBES = {{2, 1.5}, {-2, -1.5}, {0.3, -0.1}, {-0.7, 0.9}, {1e-3, 5}};

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One learner process: its own state directory, registry, meters and HTTP port. */
    private record Instance(StreamlearnApp app, Observability observability, URI base) implements AutoCloseable {
        static Instance start(StreamlearnConfig config) throws Exception {
            Observability o = new Observability();
            ModelRegistry registry = new ModelRegistry();
            StreamlearnApp app = null;
            try {
                app = StreamlearnApp.start(config, registry, o.listener(registry), Duration.ofSeconds(60));
                HttpApi http = o.attach(app, "127.0.0.1", 0);
                return new Instance(app, o, URI.create("http://127.0.0.1:" + http.port()));
            } catch (Exception | Error e) {
                if (app != null) {
                    app.close();
                }
                o.close();
                throw e;
            }
        }

        @Override
        public void close() {
            app.close();
            observability.close();
        }
    }

    /**
     * Two model ids whose examples land in different partitions of the repartition topic (keyed
     * by model id, Kafka's default partitioner), found by hashing rather than assumed.
     */
    private static List<String> modelsOnDifferentPartitions() {
        Map<Integer, String> byPartition = new HashMap<>();
        for (int i = 0; byPartition.size() < PARTITIONS; i++) {
            String id = "m" + i;
            byPartition.putIfAbsent(Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS, id);
        }
        return List.of(byPartition.get(0), byPartition.get(1));
    }

    private static StreamlearnConfig config(KafkaCluster kafka, String run, List<String> models, Path state) throws Exception {
        StringBuilder yaml = new StringBuilder("models:\n");
        for (String m : models) {
            yaml.append("  - {id: ").append(m).append(", inputSize: 2, layers: [{units: 1, activation: sigmoid}],")
                    .append(" optimizer: {kind: adam, learningRate: 0.1}, snapshot: {everyUpdates: ").append(EVERY)
                    .append(", everyMs: 100000000}}\n");
        }
        yaml.append("defaultModel: ").append(models.get(0)).append('\n');
        return ConfigLoader.fromYaml(yaml.toString(), Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-", "topics.partitions", Integer.toString(PARTITIONS),
                "stateDir", Files.createDirectories(state).toString()));
    }

    @Test
    void bothInstancesAnswerForEveryModelFromTheSameWeights(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "every-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> models = modelsOnDifferentPartitions();
        StreamlearnConfig first = config(kafka, run, models, dir.resolve("state-1"));
        StreamlearnConfig second = config(kafka, run, models, dir.resolve("state-2"));
        try (Instance one = Instance.start(first); Instance two = Instance.start(second)) {
            List<Instance> both = List.of(one, two);
            await(() -> both.stream().allMatch(i -> get(i, "/health/ready").statusCode() == 200),
                    "both instances are RUNNING after the second joined");

            produce(first, models, 200, 1);
            for (String m : models) {
                awaitVersion(both, m, 200 / EVERY);
            }
            Map<String, JsonNode> before = new HashMap<>();
            Map<String, Instance> trainer = new HashMap<>();
            for (String m : models) {
                long trainedOnOne = trainedHere(one, m);
                long trainedOnTwo = trainedHere(two, m);
                assertEquals(200, trainedOnOne + trainedOnTwo, m + " trained once in all: " + trainedOnOne + " + " + trainedOnTwo);
                assertTrue(trainedOnOne == 0 || trainedOnTwo == 0,
                        m + " is trained by one instance only, so the other answers for a model it does not train");
                trainer.put(m, trainedOnOne > 0 ? one : two);
                before.put(m, sameAnswerOnBoth(one, two, m, 200 / EVERY));
            }
            assertNotEquals(trainer.get(models.get(0)), trainer.get(models.get(1)),
                    "the two models' partitions went to different instances: each trains one, serves both");

            produce(first, models, 100, 2);
            for (String m : models) {
                awaitVersion(both, m, 300 / EVERY);
                JsonNode after = sameAnswerOnBoth(one, two, m, 300 / EVERY);
                assertNotEquals(before.get(m), after, m + ": the newer version answers differently");
            }
        }
    }

    /** How many examples of {@code model} this instance trained on (0 where another instance trains it). */
    private long trainedHere(Instance i, String model) {
        return json(get(i, "/models/" + model)).path("live").path("examplesTrained").asLong(0);
    }

    /**
     * Asks both instances for the model and a prediction of every probe; the versions must be
     * {@code version} and the outputs equal to the bit. Returns the outputs.
     */
    private JsonNode sameAnswerOnBoth(Instance one, Instance two, String model, long version) {
        JsonNode m1 = json(get(one, "/models/" + model));
        JsonNode m2 = json(get(two, "/models/" + model));
        assertEquals(version, m1.path("version").asLong(), m1.toString());
        assertEquals(version, m2.path("version").asLong(), m2.toString());
        assertEquals(m1.path("weights"), m2.path("weights"), model + ": the same weights on both instances");
        var outputs = JSON.createArrayNode();
        for (double[] x : PROBES) {
            String body = "{\"features\": [" + x[0] + ", " + x[1] + "]}";
            JsonNode p1 = json(post(one, "/models/" + model + "/predict", body));
            JsonNode p2 = json(post(two, "/models/" + model + "/predict", body));
            assertEquals(version, p1.path("version").asLong(), p1.toString());
            assertEquals(version, p2.path("version").asLong(), p2.toString());
            assertEquals(p1.path("label"), p2.path("label"));
            assertEquals(1, p1.path("output").size(), p1.toString());
            double o1 = p1.path("output").get(0).asDouble();
            double o2 = p2.path("output").get(0).asDouble();
            assertEquals(Double.doubleToRawLongBits(o1), Double.doubleToRawLongBits(o2),
                    model + " on " + java.util.Arrays.toString(x) + ": " + o1 + " vs " + o2);
            outputs.add(o1);
        }
        return outputs;
    }

    private static void produce(StreamlearnConfig config, List<String> models, int perModel, long seed) throws Exception {
        Codec<LabeledExample> codec = Topics.of(config).examples().codec();
        Random r = new Random(seed);
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < perModel; i++) {
                for (String m : models) {
                    double[] x = {r.nextGaussian(), r.nextGaussian()};
                    // Keys spread each model's examples over both input partitions.
                    p.send(new ProducerRecord<>(config.topics().examples(), ("k" + seed + "-" + i + m).getBytes(StandardCharsets.UTF_8),
                            codec.encode(LabeledExample.of("x" + i, m, x, x[0] - x[1] > 0 ? 1 : 0))), delivered);
                }
            }
            p.flush();
            delivered.check();
        }
    }

    private void awaitVersion(List<Instance> instances, String model, long version) throws InterruptedException {
        await(() -> instances.stream().allMatch(i -> {
            DecodedSnapshot p = i.app().registry().get(model);
            return p != null && p.version() >= version;
        }), model + " reaches version " + version + " on every instance");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    private HttpResponse<String> get(Instance i, String path) {
        return send(HttpRequest.newBuilder(i.base().resolve(path)).GET());
    }

    private HttpResponse<String> post(Instance i, String path, String body) {
        return send(HttpRequest.newBuilder(i.base().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return client.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("request failed: " + e, e);
        }
    }

    private static JsonNode json(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }
}

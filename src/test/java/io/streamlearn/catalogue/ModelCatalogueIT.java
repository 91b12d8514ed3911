package io.streamlearn.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.app.Observability;
import io.streamlearn.http.HttpApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.cli.Cli;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.codec.ScoredEvent;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.WeightsReader;
import io.streamlearn.testing.CommittedRecords;
import io.streamlearn.testing.Eventually;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.topology.TopologyListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live model catalogue, as an operator uses it: two learner instances share the work (two
 * partitions of examples and events) while {@code streamlearn model} adds a model (both train and
 * score it), changes its learning rate (a version says so, and carries it), is refused a change of
 * shape, and retires it (both dead-letter its records MODEL_RETIRED with their bytes; its weights
 * stay readable). A restarted instance keeps what the commands did, and the file's model stays.
 */
@ExtendWith(KafkaBroker.class)
class ModelCatalogueIT {

    @Test
    void modelsAreAddedChangedAndRetiredWhileTwoInstancesRun(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "catalogue-" + UUID.randomUUID().toString().substring(0, 8);
        Path yaml = Files.writeString(dir.resolve("config.yaml"), """
                defaultModel: a
                topics: {partitions: 2}
                models:
                  - id: a
                    inputSize: 2
                """);
        Map<String, String> common = Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-");
        StreamlearnConfig one = config(yaml, common, dir.resolve("one"));
        StreamlearnConfig two = config(yaml, common, dir.resolve("two"));
        List<String> cli = List.of("-b", kafka.bootstrapServers(), "--config", yaml.toString(), "--topic-prefix", run + "-",
                "--set", "applicationId=" + run);
        Map<String, Object> client = KafkaProperties.common(one);
        StreamlearnApp.ensureTopics(one, Duration.ofSeconds(10));
        StreamlearnApp first = StreamlearnApp.start(one, TopologyListener.NONE, Duration.ofSeconds(60));
        StreamlearnApp second = StreamlearnApp.start(two, TopologyListener.NONE, Duration.ofSeconds(60));
        try {
            Cli.Result added = Cli.run(args(cli, "model", "add", "b", "inputSize=3", "snapshot.everyUpdates=20",
                    "optimizer.kind=sgd", "optimizer.learningRate=0.1"));
            assertEquals(0, added.exit(), added.toString());
            assertTrue(added.out().contains("added 'b' to the catalogue: inputSize 3"), added.out());
            for (StreamlearnApp app : List.of(first, second)) {
                Eventually.await(() -> app.catalogue().model("b") != null, "both instances know b");
            }
            produceExamples(one, "b", 3, 0, 200);
            for (StreamlearnApp app : List.of(first, second)) {
                Eventually.await(() -> app.registry().get("b") != null && app.registry().get("b").version() >= 10,
                        "both instances hold b's newest weights");
            }
            int scoredBefore = scored(client, one, "b", 0).size();
            produceEvents(one, "b", 3, 40);
            List<ScoredEvent> scored = scored(client, one, "b", scoredBefore + 40);
            assertEquals(40, scored.size() - scoredBefore, "every event of b scored once, whichever instance had its partition");

            Cli.Result slower = Cli.run(args(cli, "model", "set", "b", "optimizer.learningRate=0.01"));
            assertEquals(0, slower.exit(), slower.toString());
            WeightSnapshot changed = awaitVersion(client, one, "b", s -> String.valueOf(s.getReason()).contains("learningRate 0.1 → 0.01"));
            assertEquals(0.01, changed.getSpec().getOptimizer().getLearningRate());
            produceExamples(one, "b", 3, 1, 40);
            WeightSnapshot after = awaitVersion(client, one, "b", s -> s.getVersion() > changed.getVersion());
            assertEquals(0.01, after.getSpec().getOptimizer().getLearningRate(), "it learns on under the new rate");

            // The commands that read a model's settings find it in the catalogue: a retrain of b is published as its next version.
            Cli.Result retrained = Cli.run(args(cli, "retrain", "--model", "b", "--epochs", "2"));
            assertEquals(0, retrained.exit(), retrained + "\ndead letters: " + CommittedRecords.readAll(client,
                    one.topics().deadLetters(), 0).stream().map(r -> new String(r.headers().lastHeader("streamlearn.dlq.detail").value(),
                    StandardCharsets.UTF_8)).toList());
            assertTrue(retrained.out().contains("published 'b' version"), retrained.out());

            Cli.Result wider = Cli.run(args(cli, "model", "set", "b", "inputSize=4"));
            assertEquals(2, wider.exit(), wider.toString());
            assertTrue(wider.err().contains("inputSize 3 → 4") && wider.err().contains("new model id"), wider.err());
            assertEquals(3, first.catalogue().model("b").spec().inputSize());

            Cli.Result retired = Cli.run(args(cli, "model", "retire", "b"));
            assertEquals(0, retired.exit(), retired.toString());
            for (StreamlearnApp app : List.of(first, second)) {
                Eventually.await(() -> app.catalogue().model("b") == null && app.catalogue().retired("b") != null,
                        "both instances retired b");
            }
            int deadBefore = retiredDeadLetters(client, one, 0).size();
            List<byte[]> sent = new ArrayList<>();
            sent.addAll(produceExamples(one, "b", 3, 2, 10));
            sent.addAll(produceEvents(one, "b", 3, 10));
            List<ConsumerRecord<byte[], byte[]>> dead = retiredDeadLetters(client, one, deadBefore + 20);
            assertEquals(20, dead.size() - deadBefore, "each record of the retired model dead-lettered once");
            for (byte[] original : sent) {
                assertTrue(dead.stream().anyMatch(d -> Arrays.equals(d.value(), original)), "the original bytes are kept");
            }
            Cli.Result weights = Cli.run(args(cli, "weights", "b"));
            assertEquals(0, weights.exit(), "a retired model's weights stay readable: " + weights);

            // The HTTP API writes the same catalogue: a model added, changed and retired through one instance's API.
            StreamlearnApp other = first;
            Observability observability = new Observability();
            HttpApi http = observability.attach(second, "127.0.0.1", 0);
            HttpClient web = HttpClient.newHttpClient();
            String api = "http://127.0.0.1:" + http.port() + "/models";
            HttpResponse<String> post = web.send(HttpRequest.newBuilder(URI.create(api)).POST(BodyPublishers.ofString(
                    "{\"id\": \"c\", \"inputSize\": 2}")).build(), BodyHandlers.ofString());
            assertEquals(201, post.statusCode(), post.body());
            Eventually.await(() -> other.catalogue().model("c") != null, "the other instance knows c");
            HttpResponse<String> patch = web.send(HttpRequest.newBuilder(URI.create(api + "/c")).method("PATCH",
                    BodyPublishers.ofString("{\"optimizer.learningRate\": 0.05}")).build(), BodyHandlers.ofString());
            assertEquals(200, patch.statusCode(), patch.body());
            Eventually.await(() -> other.catalogue().model("c") != null
                    && other.catalogue().model("c").spec().optimizer().learningRate() == 0.05, "the other instance has c's new rate");
            HttpResponse<String> delete = web.send(HttpRequest.newBuilder(URI.create(api + "/c")).DELETE().build(),
                    BodyHandlers.ofString());
            assertEquals(200, delete.statusCode(), delete.body());
            Eventually.await(() -> other.catalogue().retired("c") != null, "the other instance retired c");
            observability.close();

            // A restart keeps what the commands did: b retired, a (from the file) active.
            first.close();
            first = StreamlearnApp.start(one, TopologyListener.NONE, Duration.ofSeconds(60));
            assertNull(first.catalogue().model("b"));
            assertNotNull(first.catalogue().retired("b"));
            assertNotNull(first.catalogue().model("a"));
            Cli.Result list = Cli.run(args(cli, "model", "list"));
            assertEquals(0, list.exit(), list.toString());
            assertTrue(list.out().lines().anyMatch(l -> l.startsWith("b ") && l.contains("retired")), list.out());
            assertTrue(list.out().lines().anyMatch(l -> l.startsWith("a ") && l.contains("active") && l.contains("file")),
                    list.out());
        } finally {
            first.close();
            second.close();
        }
    }

    private static StreamlearnConfig config(Path yaml, Map<String, String> common, Path state) {
        Map<String, String> overrides = new java.util.HashMap<>(common);
        overrides.put("stateDir", state.toString());
        return ConfigLoader.load(yaml, overrides);
    }

    private static String[] args(List<String> common, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(common);
        return all.toArray(String[]::new);
    }

    private static List<byte[]> produceExamples(StreamlearnConfig config, String model, int dims, int seed, int n) {
        Codec<LabeledExample> codec = Topics.of(config).examples().codec();
        Random r = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < n; i++) {
                double[] x = new double[dims];
                for (int k = 0; k < dims; k++) {
                    x[k] = r.nextGaussian();
                }
                byte[] v = codec.encode(LabeledExample.of(seed + "-" + i, model, x, x[0] > 0 ? 1 : 0));
                out.add(v);
                p.send(new ProducerRecord<>(config.topics().examples(), ("k" + i).getBytes(StandardCharsets.UTF_8), v), delivered);
            }
        }
        delivered.check();
        return out;
    }

    private static List<byte[]> produceEvents(StreamlearnConfig config, String model, int dims, int n) {
        Codec<Event> codec = Topics.of(config).events().codec();
        List<byte[]> out = new ArrayList<>();
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < n; i++) {
                double[] x = new double[dims];
                x[0] = i % 2 == 0 ? 1 : -1;
                byte[] v = codec.encode(new Event("e" + i, model, x));
                out.add(v);
                p.send(new ProducerRecord<>(config.topics().events(), ("user-" + i).getBytes(StandardCharsets.UTF_8), v), delivered);
            }
        }
        delivered.check();
        return out;
    }

    private static List<ScoredEvent> scored(Map<String, Object> client, StreamlearnConfig config, String model, int atLeast) {
        Codec<ScoredEvent> codec = Topics.of(config).scoredEvents().codec();
        return CommittedRecords.readAll(client, config.topics().scoredEvents(), atLeast).stream().map(r -> codec.decode(r.value()))
                .filter(s -> s.model().equals(model)).toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> retiredDeadLetters(Map<String, Object> client, StreamlearnConfig config,
                                                                          int atLeast) {
        return CommittedRecords.readAll(client, config.topics().deadLetters(), atLeast).stream()
                .filter(r -> {
                    Header h = r.headers().lastHeader("streamlearn.dlq.reason");
                    return h != null && new String(h.value(), StandardCharsets.UTF_8).equals(DeadLetterReason.MODEL_RETIRED.name());
                }).toList();
    }

    private static WeightSnapshot awaitVersion(Map<String, Object> client, StreamlearnConfig config, String model,
                                               java.util.function.Predicate<WeightSnapshot> wanted) throws InterruptedException {
        Properties p = new Properties();
        p.putAll(client);
        Topics topics = Topics.of(config);
        WeightSnapshot[] found = new WeightSnapshot[1];
        Eventually.await(() -> {
            List<WeightSnapshot> all = WeightsReader.readAll(p, topics.weightsHistory().name(), topics.weightsHistory().codec())
                    .getOrDefault(model, List.of());
            for (WeightSnapshot s : all) {
                if (wanted.test(s)) {
                    found[0] = s;
                    return true;
                }
            }
            return false;
        }, "a version of " + model + " as wanted");
        return found[0];
    }
}

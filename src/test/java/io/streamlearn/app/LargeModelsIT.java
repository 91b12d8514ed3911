package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.ModelRecordSizes;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.topology.TopologyListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Models whose checkpoint is larger than Kafka's default 1 MiB record limit (a 10-256-256-1
 * network, about 69,000 parameters, and a perceptron over 100,000 inputs) are checkpointed,
 * published, restored from the changelog on a new state directory and trained on, bit for bit as
 * an uninterrupted run. Before the limits followed the largest model, the first commit failed
 * with RecordTooLargeException, and so did every restart.
 */
@ExtendWith(KafkaBroker.class)
class LargeModelsIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "deep|10|[{units: 256, activation: tanh}, {units: 256, activation: tanh}, {units: 1, activation: sigmoid}]|200",
            "wide|100000|[{units: 1, activation: sigmoid}]|10"})
    void aModelAboveOneMebibyteIsCheckpointedRestoredAndPublished(String name, int inputs, String layers, int n,
                                                                 KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "large-" + name + "-" + UUID.randomUUID().toString().substring(0, 6);
        // Avro examples: 100,000 features fit in Kafka's default 1 MiB (as JSON they would not).
        StreamlearnConfig config = ConfigLoader.fromYaml("""
                formats: {examples: avro}
                models:
                  - id: default
                    inputSize: %d
                    layers: %s
                    loss: binary_cross_entropy
                    optimizer: {kind: adam, learningRate: 0.001}
                    snapshot: {everyUpdates: 5, everyMs: 100000000}
                """.formatted(inputs, layers), Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-", "stateDir", Files.createDirectories(dir.resolve("first")).toString()));
        assertTrue(ModelRecordSizes.recordLimit(config) > ModelRecordSizes.KAFKA_DEFAULT_LIMIT,
                "the model needs records above Kafka's default limit");

        List<LabeledExample> examples = examples(inputs, 2 * n);
        StreamlearnApp.ensureTopics(config, Duration.ofSeconds(5));
        produce(config, examples.subList(0, n), 0);
        try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(60))) {
            awaitSeen(app, n);
        }
        // A new state directory: the second learner has only the changelog to go on.
        produce(config, examples.subList(n, 2 * n), n);
        DecodedSnapshot last;
        StreamlearnConfig again = config.withStateDir(Files.createDirectories(dir.resolve("second")).toString());
        try (StreamlearnApp app = StreamlearnApp.start(again, TopologyListener.NONE, Duration.ofSeconds(60))) {
            last = awaitSeen(app, 2 * n);
        }
        assertEquals(2 * n, last.snapshot().getExamplesSeen(), "every example learned exactly once");

        OnlineLearner reference = OnlineLearner.fresh(config.model("default"));
        for (int i = 0; i < 2 * n; i++) {
            LabeledExample e = examples.get(i);
            reference.learn(e.features(), e.label(), T0 + i);
        }
        for (int l = 0; l < reference.network().layerCount(); l++) {
            double[] expected = reference.network().weights(l);
            List<Double> got = last.snapshot().getLayers().get(l).getWeights();
            assertEquals(expected.length, got.size());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(got.get(i)),
                        "layer " + l + " weight " + i + " bit for bit");
            }
        }
    }

    private static final long T0 = 1_000_000L;
    private static List<LabeledExample> examples(int inputs, int count) {
        Random r = new Random(inputs);
        List<LabeledExample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] x = new double[inputs];
            for (int j = 0; j < inputs; j++) {
                x[j] = r.nextGaussian();
            }
            out.add(LabeledExample.of("x" + i, null, x, x[0] - x[1] > 0 ? 1 : 0));
        }
        return out;
    }

    private static void produce(StreamlearnConfig config, List<LabeledExample> examples, int first) {
        Codec<LabeledExample> codec = Topics.of(config).examples().codec();
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < examples.size(); i++) {
                p.send(new ProducerRecord<>(config.topics().examples(), null, T0 + first + i, null, codec.encode(examples.get(i))),
                        delivered);
            }
        }
        delivered.check();
    }

    private static DecodedSnapshot awaitSeen(StreamlearnApp app, long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            DecodedSnapshot p = app.registry().get("default");
            if (p != null && p.snapshot().getExamplesSeen() >= count) {
                return p;
            }
            if (app.streams().state() == org.apache.kafka.streams.KafkaStreams.State.ERROR) {
                throw new AssertionError("the learner stopped");
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the model did not reach " + count + " examples");
    }
}

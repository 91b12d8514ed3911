package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.eval.Prequential;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Network;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.snapshot.SnapshotMapper;
import io.streamlearn.snapshot.WeightsReader;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.topology.TopologyListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rollback MODEL --to-version V}, as a user runs it against a running learner: version V's
 * weights, read from the weights history, come back as the next version (source ROLLBACK, its
 * parent the version before), scoring switches to them, and learning goes on from them;
 * {@code weights --version V} reads the history. A version the history does not hold is refused.
 */
@ExtendWith(KafkaBroker.class)
class RollbackIT {

    @Test
    void rollbackRepublishesAnEarlierVersionAsTheNext(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "rollback-" + UUID.randomUUID().toString().substring(0, 8);
        Path yaml = Files.writeString(dir.resolve("config.yaml"), """
                defaultModel: m
                models:
                  - id: m
                    inputSize: 2
                    optimizer: {kind: adam, learningRate: 0.05}
                    snapshot: {everyUpdates: 10, everyMs: 100000000}
                """);
        StreamlearnConfig config = ConfigLoader.load(yaml, Map.of("applicationId", run, "bootstrapServers",
                kafka.bootstrapServers(), "topics.prefix", run + "-", "stateDir", dir.resolve("state").toString()));
        List<String> common = List.of("-b", kafka.bootstrapServers(), "--config", yaml.toString(), "--topic-prefix", run + "-",
                "--set", "applicationId=" + run);
        StreamlearnApp.ensureTopics(config, Duration.ofSeconds(5));
        List<LabeledExample> later = new ArrayList<>();
        try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(30))) {
            produce(config, 0, 100);
            await(app, 10);
            Cli.Result old = Cli.run(args(common, "weights", "m", "--version", "3"));
            assertEquals(0, old.exit(), old.toString());
            assertTrue(old.out().startsWith("model m version 3 (LIVE, parent 2)"), old.out());

            Cli.Result r = Cli.run(args(common, "rollback", "m", "--to-version", "3"));
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("published 'm' version 11 (source ROLLBACK, parent 10): the weights of version 3"), r.out());
            DecodedSnapshot now = await(app, 11);
            assertEquals(SnapshotSource.ROLLBACK, now.source(), "scoring switched to the rolled-back weights");

            Properties client = new Properties();
            client.putAll(KafkaProperties.common(config));
            Topics topics = Topics.of(config);
            List<WeightSnapshot> history = WeightsReader.readAll(client, topics.weightsHistory().name(),
                    topics.weightsHistory().codec()).get("m");
            WeightSnapshot v3 = WeightsReader.select(history, 3L);
            WeightSnapshot v11 = WeightsReader.select(history, 11L);
            assertEquals(v3.getLayers(), v11.getLayers(), "version 11 holds version 3's weights");
            assertEquals(10L, v11.getParentVersion());

            // Learning goes on from them: 10 more examples make version 12 from version 3's weights.
            later.addAll(produce(config, 1, 10));
            WeightSnapshot v12 = await(app, 12).snapshot();
            Network n = SnapshotMapper.network(v11);
            OnlineLearner reference = new OnlineLearner(config.model("m"), n, new Prequential());
            for (LabeledExample e : later) {
                reference.learn(e.features(), e.label(), 0);
            }
            List<Double> w = v12.getLayers().get(0).getWeights();
            for (int k = 0; k < w.size(); k++) {
                assertEquals(Double.doubleToRawLongBits(reference.network().weights(0)[k]), Double.doubleToRawLongBits(w.get(k)),
                        "version 12 learned on top of the rolled-back weights, bit for bit");
            }

            Cli.Result missing = Cli.run(args(common, "rollback", "m", "--to-version", "99"));
            assertEquals(2, missing.exit(), missing.toString());
            assertTrue(missing.err().contains("version 99 of 'm' is not in '" + run + "-weights-history'"), missing.err());
        }
    }

    private static String[] args(List<String> common, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(common);
        return all.toArray(String[]::new);
    }

    private static List<LabeledExample> produce(StreamlearnConfig config, int seed, int n) {
        Codec<LabeledExample> codec = Topics.of(config).examples().codec();
        Random r = new Random(seed);
        List<LabeledExample> out = new ArrayList<>();
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < n; i++) {
                double[] x = {r.nextGaussian(), r.nextGaussian()};
                LabeledExample e = LabeledExample.of(seed + "-" + i, null, x, x[0] > x[1] ? 1 : 0);
                out.add(e);
                p.send(new ProducerRecord<>(config.topics().examples(), null, 1_000L, null, codec.encode(e)), delivered);
            }
        }
        delivered.check();
        return out;
    }

    private static DecodedSnapshot await(StreamlearnApp app, long version) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        DecodedSnapshot p = null;
        while (System.nanoTime() < deadline) {
            p = app.registry().get("m");
            if (p != null && p.version() >= version) {
                return p;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no version " + version + "; newest " + (p == null ? "none" : p.version()));
    }
}

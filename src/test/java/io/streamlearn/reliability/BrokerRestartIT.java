package io.streamlearn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.app.StreamlearnApp;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.testing.RunsAlone;
import io.streamlearn.topology.TopologyListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker, in a process of its own, SIGKILLed mid-stream and started again 10 s later on the
 * same log directory: the learner (never restarted) carries on by itself, and ends with every
 * example learned exactly once and weights bit-identical to an uninterrupted run.
 */
@RunsAlone
class BrokerRestartIT {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerRestartIT.class);
    private static final int N = 200_000; // a multiple of batch size x snapshot interval (16 x 500)
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void theLearnerRidesOutABrokerKilledForTenSeconds(@TempDir Path dir) throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "crash-logs", "broker-restart"));
        ChildBroker broker = new ChildBroker(dir.resolve("broker-data"), logs).start();
        try {
            StreamlearnConfig config = ConfigLoader.fromYaml("""
                    models:
                      - id: default
                        inputSize: 3
                        layers: [{units: 1, activation: sigmoid}]
                        optimizer: {kind: adam, learningRate: 0.01}
                        update: {mode: count, batchSize: 16}
                        snapshot: {everyUpdates: 500, everyMs: 100000000000}
                    """, Map.of("applicationId", "broker-restart", "bootstrapServers", broker.bootstrapServers(),
                    "stateDir", dir.resolve("state").toString()));
            List<LabeledExample> examples = new ArrayList<>();
            Random r = new Random(21);
            for (int i = 0; i < N; i++) {
                double[] x = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
                examples.add(LabeledExample.of("x" + i, null, x, x[0] - x[1] + 0.5 * x[2] > 0 ? 1 : 0));
            }
            produce(config, examples);
            OnlineLearner reference = OnlineLearner.fresh(config.model("default"));
            for (int i = 0; i < N; i++) {
                reference.learn(examples.get(i).features(), examples.get(i).label(), T0 + i);
            }

            long killedAt;
            List<WeightSnapshot> snapshots;
            try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(60))) {
                killedAt = awaitCommitted(config, N / 10);
                broker.kill();
                long down = System.nanoTime();
                Thread.sleep(10_000);
                broker.start();
                LOG.info("broker killed at committed offset {}: dead for 10 s, serving again after {} ms", killedAt,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down));
                snapshots = awaitLearned(config, N);
                assertEquals(KafkaStreams.State.RUNNING, app.streams().state(), "the learner is still running");
            }
            assertTrue(killedAt < N, "the broker died mid-stream (committed offset " + killedAt + ")");
            WeightSnapshot last = snapshots.get(snapshots.size() - 1);
            assertEquals(N, last.getExamplesSeen(), "every example learned exactly once");
            assertEquals(reference.network().updatesApplied(), last.getUpdatesApplied(), "updates applied");
            double[] w = reference.network().weights(0);
            for (int i = 0; i < w.length; i++) {
                assertEquals(Double.doubleToRawLongBits(w[i]), Double.doubleToRawLongBits(last.getLayers().get(0).getWeights().get(i)),
                        "weight " + i + " bit for bit");
            }
            assertEquals(Double.doubleToRawLongBits(reference.network().biases(0)[0]),
                    Double.doubleToRawLongBits(last.getLayers().get(0).getBiases().get(0)), "bias bit for bit");
            for (int i = 1; i < snapshots.size(); i++) {
                assertTrue(snapshots.get(i).getVersion() > snapshots.get(i - 1).getVersion(), "versions strictly increasing");
            }
            LOG.info("broker restart: killed at committed offset {}, {} examples, {} updates, {} snapshots, weights bit-identical",
                    killedAt, last.getExamplesSeen(), last.getUpdatesApplied(), snapshots.size());
        } finally {
            broker.stop();
        }
    }

    private static void produce(StreamlearnConfig config, List<LabeledExample> examples) {
        StreamlearnApp.ensureTopics(config, Duration.ofSeconds(10));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        Codec<LabeledExample> codec = Topics.of(config).examples().codec();
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < examples.size(); i++) {
                producer.send(new ProducerRecord<>(config.topics().examples(), null, T0 + i, null, codec.encode(examples.get(i))),
                        delivered);
            }
        }
        delivered.check();
    }

    private static long awaitCommitted(StreamlearnConfig config, long atLeast) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", config.bootstrapServers()))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                var offsets = admin.listConsumerGroupOffsets(config.applicationId()).partitionsToOffsetAndMetadata().get();
                long sum = offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(config.topics().examples())
                        && e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum();
                if (sum >= atLeast) {
                    return sum;
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("the learner did not commit " + atLeast + " examples within 60 s");
    }

    private static List<WeightSnapshot> awaitLearned(StreamlearnConfig config, long examples) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        List<WeightSnapshot> all = List.of();
        while (System.nanoTime() < deadline) {
            try {
                all = CrashEquivalenceIT.readSnapshots(config);
            } catch (RuntimeException brokerStillStarting) {
                all = List.of();
            }
            if (!all.isEmpty() && all.get(all.size() - 1).getExamplesSeen() >= examples) {
                return all;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no snapshot with " + examples + " examples within 180 s; last: "
                + (all.isEmpty() ? "none" : all.get(all.size() - 1).getExamplesSeen()));
    }
}

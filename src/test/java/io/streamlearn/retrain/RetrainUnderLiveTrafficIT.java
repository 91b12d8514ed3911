package io.streamlearn.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import io.streamlearn.kafka.Topics;
import io.streamlearn.model.Network;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.testing.CommittedRecords;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.topology.TopologyListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten retrains in a row while examples stream in as fast as a producer sends them, on two
 * partitions (the re-keying hop): each retrain's result is published by the learner as the next
 * version, so every one is adopted by scoring, and {@code weights} read committed shows versions
 * strictly increasing, none used twice. Before, a retrain published the version it had read at
 * its start + 1, which the learner had already passed: every instance dropped it as stale.
 *
 * <p>What the learner learned between the end of the replayed range and the request is replaced:
 * the published version carries exactly the retrained weights, names the learner's previous
 * version as its parent and the replayed range in its {@code streamlearn.lineage.replayed} header.
 */
@ExtendWith(KafkaBroker.class)
class RetrainUnderLiveTrafficIT {
    private static final int RETRAINS = 10;
    private static final int MAX_EXAMPLES = 300_000;

    @Test
    void everyRetrainIsAdoptedAndVersionsNeverRepeat(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "live-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig config = ConfigLoader.fromYaml("""
                topics: {partitions: 2}
                models:
                  - id: default
                    inputSize: 2
                    optimizer: {kind: sgd, learningRate: 0.05}
                    snapshot: {everyUpdates: 500}
                """, Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-", "stateDir", dir.toString()));
        StreamlearnApp.ensureTopics(config, Duration.ofSeconds(5));
        Topics topics = Topics.of(config);
        AtomicBoolean feeding = new AtomicBoolean(true);
        AtomicLong produced = new AtomicLong();
        Thread feeder = new Thread(() -> feed(config, topics, feeding, produced), "feeder");
        Map<Long, RetrainJob.Result> results = new HashMap<>();
        try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(30))) {
            feeder.start();
            Properties client = new Properties();
            client.putAll(KafkaProperties.common(config));
            RetrainJob job = new RetrainJob(config, client);
            long previous = 0;
            for (int i = 0; i < RETRAINS; i++) {
                while (produced.get() < 2_000L * (i + 1)) {
                    Thread.sleep(10);
                }
                RetrainJob.Result r = job.run(new RetrainJob.Request("default", new RetrainPlan(1, 32, false, 1, 0, 1_000),
                        KafkaEpochSource.StartAt.beginning(), s -> s, false, true, Duration.ofSeconds(60)), Silent.REPORT);
                assertTrue(r.version() > previous, "retrain " + i + " published version " + r.version() + " after " + previous);
                // A retrain that reaches the learner before it published anything is version 1, without a parent.
                assertEquals(r.version() > 1 ? Long.valueOf(r.version() - 1) : null, r.parent(),
                        "its parent is the learner's version before it");
                results.put(r.version(), r);
                previous = r.version();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                DecodedSnapshot held = app.registry().get("default");
                while (held.version() < r.version() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                    held = app.registry().get("default");
                }
                assertTrue(held.version() >= r.version(), "scoring switched to version " + r.version() + ": " + held.version());
            }
            feeding.set(false);
            feeder.join();
            assertTrue(feeder.getState() == Thread.State.TERMINATED);
        }

        Codec<WeightSnapshot> codec = topics.weights().codec();
        List<ConsumerRecord<byte[], byte[]>> records = CommittedRecords.readAll(KafkaProperties.common(config),
                topics.weights().name(), 1);
        List<Long> versions = new ArrayList<>();
        int retrained = 0;
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            WeightSnapshot s = codec.decode(rec.value());
            if (!versions.isEmpty() && s.getVersion() <= versions.get(versions.size() - 1)) {
                throw new AssertionError("version " + s.getVersion() + " after " + versions.get(versions.size() - 1));
            }
            versions.add(s.getVersion());
            RetrainJob.Result r = results.get(s.getVersion());
            if (r != null) {
                retrained++;
                assertEquals(SnapshotSource.RETRAIN, s.getSource());
                Header replayed = rec.headers().lastHeader(RetrainJob.REPLAYED);
                assertNotNull(replayed, "the replayed range travels with version " + s.getVersion());
                assertTrue(new String(replayed.value(), StandardCharsets.UTF_8).startsWith(topics.examples().name() + " 0:0-"));
                Network n = r.network();
                List<Double> w = s.getLayers().get(0).getWeights();
                for (int k = 0; k < w.size(); k++) {
                    assertEquals(Double.doubleToRawLongBits(n.weights(0)[k]), Double.doubleToRawLongBits(w.get(k)),
                            "version " + s.getVersion() + " holds exactly the retrained weights");
                }
            } else {
                assertEquals(SnapshotSource.LIVE, s.getSource());
            }
        }
        assertEquals(RETRAINS, retrained, "every retrain published once: " + versions);
    }

    private static void feed(StreamlearnConfig config, Topics topics, AtomicBoolean feeding, AtomicLong produced) {
        Codec<LabeledExample> codec = topics.examples().codec();
        Random r = new Random(5);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (long i = 0; feeding.get() && i < MAX_EXAMPLES; i++) {
                double[] x = {r.nextGaussian(), r.nextGaussian()};
                p.send(new ProducerRecord<>(topics.examples().name(), null, 1_000_000L + i, null,
                        codec.encode(LabeledExample.of("x" + i, null, x, x[0] - 2 * x[1] > 0 ? 1 : 0))));
                produced.incrementAndGet();
            }
        }
    }

    /** A retrain that prints nothing. */
    private enum Silent implements RetrainJob.Report {
        REPORT;

        @Override
        public void starting(String model, long records, io.streamlearn.model.ModelSpec spec) {
        }

        @Override
        public void epoch(EpochStats stats, io.streamlearn.eval.Prequential test) {
        }

        @Override
        public boolean wantsTest(int epoch) {
            return false;
        }
    }
}

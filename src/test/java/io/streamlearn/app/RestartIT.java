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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the learner mid-stream and starting it again, on a fresh state directory (so the
 * state comes back from the changelog): examples-seen ends equal to the examples produced and the
 * weights equal, bit for bit, those of the same examples learned without interruption.
 */
@ExtendWith(KafkaBroker.class)
class RestartIT {
    private static final int N = 35_000; // a multiple of the batch size (7) and of 7 x the snapshot interval

    @Test
    void restartContinuesFromTheRestoredState(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig config = ConfigLoader.fromYaml("""
                models:
                  - id: default
                    inputSize: 3
                    layers: [{units: 4, activation: tanh}, {units: 1, activation: sigmoid}]
                    optimizer: {kind: adam, learningRate: 0.01}
                    update: {mode: count, batchSize: 7}
                    snapshot: {everyUpdates: 500, everyMs: 100000000}
                """, Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(), "topics.prefix", run + "-",
                "stateDir", Files.createDirectories(dir.resolve("first")).toString()));
        List<LabeledExample> examples = new ArrayList<>();
        Random r = new Random(7);
        for (int i = 0; i < N; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            examples.add(LabeledExample.of("x" + i, null, x, x[0] + 0.5 * x[1] - x[2] > 0 ? 1 : 0));
        }
        StreamlearnApp.ensureTopics(config, Duration.ofSeconds(5));
        Codec<LabeledExample> codec = Topics.of(config).examples().codec();
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < N; i++) {
                p.send(new ProducerRecord<>(config.topics().examples(), null, 1_000_000L + i, null, codec.encode(examples.get(i))),
                        delivered);
            }
        }
        delivered.check();
        long stoppedAt;
        try (StreamlearnApp app = StreamlearnApp.start(config, TopologyListener.NONE, Duration.ofSeconds(30))) {
            stoppedAt = awaitSeen(app, 200).snapshot().getExamplesSeen();
        }
        assertTrue(stoppedAt < N, "stopped mid-stream, after " + stoppedAt);

        StreamlearnConfig again = config.withStateDir(Files.createDirectories(dir.resolve("second")).toString());
        DecodedSnapshot last;
        try (StreamlearnApp app = StreamlearnApp.start(again, TopologyListener.NONE, Duration.ofSeconds(30))) {
            last = awaitSeen(app, N);
        }
        assertEquals(N, last.snapshot().getExamplesSeen(), "every example learned exactly once");

        OnlineLearner reference = OnlineLearner.fresh(config.model("default"));
        for (int i = 0; i < N; i++) {
            LabeledExample e = examples.get(i);
            reference.learn(e.features(), e.label(), 1_000_000L + i);
        }
        assertEquals(reference.network().updatesApplied(), last.snapshot().getUpdatesApplied());
        for (int l = 0; l < reference.network().layerCount(); l++) {
            double[] expected = reference.network().weights(l);
            List<Double> got = last.snapshot().getLayers().get(l).getWeights();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(got.get(i)),
                        "layer " + l + " weight " + i + " bit for bit");
            }
        }
    }

    private static DecodedSnapshot awaitSeen(StreamlearnApp app, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            DecodedSnapshot p = app.registry().get("default");
            if (p != null && p.snapshot().getExamplesSeen() >= atLeast) {
                return p;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the model did not reach " + atLeast + " examples");
    }
}

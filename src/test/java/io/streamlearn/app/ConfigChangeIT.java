package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.codec.Codec;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigException;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.ModelConfig;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.eval.Prequential;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Network;
import io.streamlearn.snapshot.DecodedSnapshot;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.topology.TopologyListener;
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
 * A changed configuration at restart, on one state directory: each change of how a model learns
 * takes effect from the restart (the weights equal, bit for bit, those of a reference that
 * switched at the same example), and a change of shape or loss stops the start with a message
 * naming the model, the fields and the way on, leaving the learner as it was. Before, the
 * checkpoint's own settings silently won, and a new input size failed the task at every restart.
 */
@ExtendWith(KafkaBroker.class)
class ConfigChangeIT {
    private static final int N = 1_000;
    private static final String MODEL = """
            defaultModel: m
            models:
              - id: m
                inputSize: 2
                optimizer: %s
                update: %s
                snapshot: {everyUpdates: 1, everyMs: 100000000}
            """;

    @Test
    void learningSettingsApplyAtTheNextStartAndShapeChangesAreRefused(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "change-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> base = Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-", "stateDir", dir.toString());
        StreamlearnConfig sgd = config(base, "{kind: sgd, learningRate: 0.1}", "{mode: stochastic}");
        StreamlearnConfig slower = config(base, "{kind: sgd, learningRate: 0.01}", "{mode: stochastic}");
        StreamlearnConfig adam = config(base, "{kind: adam, learningRate: 0.05}", "{mode: stochastic}");
        StreamlearnConfig batched = config(base, "{kind: adam, learningRate: 0.05}", "{mode: count, batchSize: 10}");
        StreamlearnApp.ensureTopics(sgd, Duration.ofSeconds(5));

        List<LabeledExample> all = new ArrayList<>();
        OnlineLearner reference = OnlineLearner.fresh(sgd.model("m"));
        int phase = 0;
        for (StreamlearnConfig c : List.of(sgd, slower, adam, batched)) {
            if (phase > 0) {
                // The reference switches as the learner should: same weights and feature statistics, the new settings, a new
                // optimizer's state from zero, no open batch.
                reference = switched(reference, c.model("m"));
            }
            List<LabeledExample> batch = produce(c, phase++);
            all.addAll(batch);
            for (LabeledExample e : batch) {
                reference.learn(e.features(), e.label(), 1_000_000L);
            }
            try (StreamlearnApp app = StreamlearnApp.start(c, TopologyListener.NONE, Duration.ofSeconds(30))) {
                DecodedSnapshot got = awaitSeen(app, all.size(), c == batched);
                assertSameWeights(reference.network(), got.network(), "after phase " + phase);
            }
        }
        assertEquals(all.size(), reference.examplesSeen());

        StreamlearnConfig wider = ConfigLoader.fromYaml(MODEL.formatted("{kind: adam, learningRate: 0.05}",
                "{mode: count, batchSize: 10}").replace("inputSize: 2", "inputSize: 3"), base);
        ConfigException e = assertThrows(ConfigException.class,
                () -> StreamlearnApp.start(wider, TopologyListener.NONE, Duration.ofSeconds(30)).close());
        assertTrue(e.getMessage().contains("model 'm'") && e.getMessage().contains("inputSize 2 → 3")
                && e.getMessage().contains("new model id"), e.getMessage());

        StreamlearnConfig otherLoss = ConfigLoader.fromYaml(MODEL.formatted("{kind: adam, learningRate: 0.05}",
                "{mode: count, batchSize: 10}") + "    loss: mse\n", base);
        e = assertThrows(ConfigException.class,
                () -> StreamlearnApp.start(otherLoss, TopologyListener.NONE, Duration.ofSeconds(30)).close());
        assertTrue(e.getMessage().contains("loss binary_cross_entropy → squared_error"), e.getMessage());

        // Refused starts changed nothing: the old configuration starts and holds the same weights.
        try (StreamlearnApp app = StreamlearnApp.start(batched, TopologyListener.NONE, Duration.ofSeconds(30))) {
            assertSameWeights(reference.network(), awaitSeen(app, all.size(), true).network(), "after the refusals");
        }
    }

    private static StreamlearnConfig config(Map<String, String> base, String optimizer, String update) {
        return ConfigLoader.fromYaml(MODEL.formatted(optimizer, update), base);
    }

    private static OnlineLearner switched(OnlineLearner from, ModelConfig to) {
        Network n = from.network();
        double[][] w = new double[n.layerCount()][];
        double[][] b = new double[n.layerCount()][];
        for (int l = 0; l < n.layerCount(); l++) {
            w[l] = n.weights(l).clone();
            b[l] = n.biases(l).clone();
        }
        Network kept;
        if (n.spec().optimizer().equals(to.spec().optimizer()) && n.spec().l2() == to.spec().l2()) {
            kept = n.copy(); // the same optimizer goes on with its moments and step
            kept.restoreState(n.updatesApplied(), 0);
        } else {
            kept = Network.withWeights(to.spec(), w, b);
            if (n.scaler() != null) {
                kept.scaler().copyFrom(n.scaler()); // the feature statistics are the model's, whatever it learns with
            }
        }
        OnlineLearner next = new OnlineLearner(to, kept, new Prequential());
        next.restoreCounters(from.examplesSeen(), OnlineLearner.NO_WINDOW, 0, from.version(), 0, OnlineLearner.NO_WINDOW, -1);
        return next;
    }

    /** N examples, all stamped alike so that no window or stream-time rule depends on when they run. */
    private static List<LabeledExample> produce(StreamlearnConfig config, int phase) {
        Codec<LabeledExample> codec = Topics.of(config).examples().codec();
        Random r = new Random(phase);
        List<LabeledExample> out = new ArrayList<>();
        Deliveries delivered = new Deliveries();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            for (int i = 0; i < N; i++) {
                double[] x = {r.nextGaussian(), r.nextGaussian()};
                LabeledExample e = LabeledExample.of(phase + "-" + i, null, x, x[0] + 0.3 * x[1] > 0 ? 1 : 0);
                out.add(e);
                p.send(new ProducerRecord<>(config.topics().examples(), null, 1_000_000L, null, codec.encode(e)), delivered);
            }
        }
        delivered.check();
        return out;
    }

    private static DecodedSnapshot awaitSeen(StreamlearnApp app, long seen, boolean batched) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        DecodedSnapshot p = null;
        while (System.nanoTime() < deadline) {
            p = app.registry().get("m");
            // Count mode publishes per update (every 10 examples): N is a multiple of 10.
            if (p != null && p.snapshot().getExamplesSeen() >= seen) {
                return p;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("model 'm' did not reach " + seen + " examples" + (batched ? " (batched)" : "")
                + "; newest: " + (p == null ? "none" : p.snapshot().getExamplesSeen()));
    }

    private static void assertSameWeights(Network expected, Network got, String when) {
        for (int l = 0; l < expected.layerCount(); l++) {
            double[] w = expected.weights(l);
            double[] g = got.weights(l);
            for (int i = 0; i < w.length; i++) {
                assertEquals(Double.doubleToRawLongBits(w[i]), Double.doubleToRawLongBits(g[i]),
                        when + ": layer " + l + " weight " + i + " bit for bit (" + w[i] + " vs " + g[i] + ")");
            }
            assertEquals(Double.doubleToRawLongBits(expected.biases(l)[0]), Double.doubleToRawLongBits(got.biases(l)[0]),
                    when + ": layer " + l + " bias");
        }
    }
}

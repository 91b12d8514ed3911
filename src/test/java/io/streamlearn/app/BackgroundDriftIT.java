package io.streamlearn.app;

import static io.streamlearn.testing.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.Codec;
import io.streamlearn.codec.DriftRecord;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.demo.TutorialDemo;
import io.streamlearn.kafka.Deliveries;
import io.streamlearn.kafka.Topics;
import io.streamlearn.snapshot.ModelRegistry;
import io.streamlearn.testing.CommittedRecords;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.testing.KafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
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
 * {@code drift.action: background} through a real broker: two models learn the same stream, whose
 * concept flips at example 3000 (as in {@link DriftIT}), one under {@code background}, one under
 * {@code report}. On the weights topic the background model publishes a drift version whose
 * reason says its background learner was swapped in (and the drift topic's record says
 * {@code background}); its weights after that differ from the report model's, and over the
 * flipped part it predicts better.
 */
@ExtendWith(KafkaBroker.class)
class BackgroundDriftIT {
    private static final int STEADY = 3000;
    private static final int FLIPPED = 1000;

    @Test
    void theBackgroundLearnerIsSwappedInAtTheDriftAndPublishedWithItsReason(KafkaCluster kafka, @TempDir Path dir)
            throws Exception {
        String run = "bgdrift-" + UUID.randomUUID().toString().substring(0, 8);
        StreamlearnConfig config = ConfigLoader.fromYaml("""
                defaultModel: bg
                models:
                  - id: bg
                    inputSize: 2
                    drift: {action: background}
                    snapshot: {everyUpdates: 500, everyMs: 2000}
                  - id: rep
                    inputSize: 2
                    drift: {action: report}
                    snapshot: {everyUpdates: 500, everyMs: 2000}
                """, Map.of("applicationId", run, "bootstrapServers", kafka.bootstrapServers(),
                "topics.prefix", run + "-", "stateDir", Files.createDirectories(dir.resolve("state")).toString()));
        Codec<LabeledExample> examples = Topics.of(config).examples().codec();
        ModelRegistry registry = new ModelRegistry();
        try (Observability observability = new Observability();
             StreamlearnApp app = StreamlearnApp.start(config, registry, observability.listener(registry), Duration.ofSeconds(60));
             KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(TutorialDemo.producerProps(config))) {
            send(p, config, examples);
            // What follows the last version by count goes out once the model has been quiet for everyMs.
            await(() -> seen(registry, "bg") == STEADY + FLIPPED && seen(registry, "rep") == STEADY + FLIPPED,
                    "both models learned the whole stream");
        }

        List<WeightSnapshot> versions = CommittedRecords.readAll(KafkaProperties.common(config), config.topics().weights(), 1)
                .stream().map(r -> Topics.of(config).weights().codec().decode(r.value())).toList();
        List<WeightSnapshot> bg = versions.stream().filter(w -> w.getModel().equals("bg")).toList();
        List<WeightSnapshot> rep = versions.stream().filter(w -> w.getModel().equals("rep")).toList();
        List<WeightSnapshot> swapped = bg.stream().filter(w -> w.getReason() != null
                && w.getReason().startsWith("drift: prequential error") && w.getReason().contains("; background learner (started at example ")
                && w.getReason().endsWith(" swapped in")).toList();
        assertFalse(swapped.isEmpty(), "a version whose reason says the background learner was swapped in: "
                + bg.stream().map(WeightSnapshot::getReason).toList());
        WeightSnapshot swap = swapped.get(0);
        assertTrue(swap.getExamplesSeen() > STEADY && swap.getExamplesSeen() < STEADY + 300,
                "swapped in soon after the flip at " + STEADY + ": " + swap.getReason());
        assertTrue(rep.stream().noneMatch(w -> w.getReason() != null && w.getReason().contains("background")),
                "the report model says nothing of a background learner");

        List<DriftRecord> drifts = CommittedRecords.readAll(KafkaProperties.common(config), config.topics().drift(), 1).stream()
                .map(r -> Topics.of(config).drift().codec().decode(r.value())).toList();
        DriftRecord record = drifts.stream().filter(d -> d.model().equals("bg") && d.version() == swap.getVersion())
                .findFirst().orElseThrow(() -> new AssertionError("no drift record for version " + swap.getVersion() + ": " + drifts));
        assertEquals("background", record.action());
        assertTrue(drifts.stream().filter(d -> d.model().equals("rep")).allMatch(d -> d.action().equals("report")), drifts.toString());

        WeightSnapshot bgLast = newest(bg);
        WeightSnapshot repLast = newest(rep);
        assertEquals(STEADY + FLIPPED, bgLast.getExamplesSeen());
        assertEquals(STEADY + FLIPPED, repLast.getExamplesSeen());
        assertFalse(bgLast.getLayers().get(0).getWeights().equals(repLast.getLayers().get(0).getWeights()),
                "the swapped-in weights are not the report model's");
        // The window of the figures is the last 1000 examples: exactly the flipped part.
        double bgAccuracy = bgLast.getFigures().getWindowAccuracy();
        double repAccuracy = repLast.getFigures().getWindowAccuracy();
        assertTrue(bgAccuracy > repAccuracy + 0.05, "after the flip: background " + bgAccuracy + " vs report " + repAccuracy);
    }

    private static long seen(ModelRegistry registry, String model) {
        return registry.get(model) == null ? -1 : registry.get(model).snapshot().getExamplesSeen();
    }

    private static WeightSnapshot newest(List<WeightSnapshot> versions) {
        return versions.stream().max(Comparator.comparingLong(WeightSnapshot::getVersion)).orElseThrow();
    }

    /** The same examples to both models, one millisecond apart; the label's rule flips after {@link #STEADY}. */
    private static void send(KafkaProducer<byte[], byte[]> p, StreamlearnConfig config, Codec<LabeledExample> codec)
            throws Exception {
        Random r = new Random(17);
        Deliveries delivered = new Deliveries();
        for (int i = 0; i < STEADY + FLIPPED; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian()};
            int y = (x[0] + x[1] > 0) != (i >= STEADY) ? 1 : 0;
            for (String model : List.of("bg", "rep")) {
                p.send(new ProducerRecord<>(config.topics().examples(), null, 1_000L + i, null,
                        codec.encode(LabeledExample.of(model + "-" + i, model, x, y))), delivered);
            }
        }
        p.flush();
        delivered.check();
    }
}

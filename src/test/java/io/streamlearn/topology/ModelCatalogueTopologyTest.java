package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.CatalogueRecord;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.codec.JsonCatalogueCodec;
import io.streamlearn.config.ModelEntry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

/**
 * The topology follows the catalogue topic: a model added there is trained and scored, a changed
 * one goes on under its new settings from a version that says what changed, a retired one is
 * neither trained nor scored (its records are dead-lettered MODEL_RETIRED) and what it learned
 * since its last version is published first. A record that would change a model's shape is refused.
 */
class ModelCatalogueTopologyTest {
    private static final String YAML = TrainingTopologyTest.linearModel("{mode: stochastic}", 1);
    private static final JsonCatalogueCodec CODEC = new JsonCatalogueCodec();

    private static TestInputTopic<String, byte[]> catalogue(TopologyFixture f) {
        return f.driver.createInputTopic(f.config.topics().catalogue(), new StringSerializer(), new ByteArraySerializer());
    }

    private static void write(TopologyFixture f, ObjectNode model, boolean retired) {
        String id = model.get("id").asText();
        catalogue(f).pipeInput(id, CODEC.encode(new CatalogueRecord(model, retired, null, "command", 0)));
    }

    private static ObjectNode lin(TopologyFixture f, Map<String, String> changes) {
        return ModelEntry.toJson(ModelEntry.parse(ModelEntry.with(ModelEntry.toJson(f.config.model("lin")), changes), "test"));
    }

    @Test
    void aChangedLearningRateIsAppliedFromAVersionThatSaysSo() {
        try (TopologyFixture f = new TopologyFixture(YAML)) {
            f.example("{\"features\": [1, 0], \"label\": 1}", 100);
            assertEquals(1, f.readWeights().size());
            write(f, lin(f, Map.of("optimizer.learningRate", "0.5")), false);
            // x = (1, 0), y = 1 at lr 0.1 from zero: w0 = 0.1, b = 0.1 (prediction 0.2 next).
            f.example("{\"features\": [1, 0], \"label\": 1}", 110);
            List<WeightSnapshot> out = f.readWeights();
            assertEquals(2, out.size(), out.toString());
            WeightSnapshot changed = out.get(0);
            assertEquals(2, changed.getVersion());
            assertTrue(String.valueOf(changed.getReason()).contains("learningRate 0.1 → 0.5"), String.valueOf(changed.getReason()));
            assertEquals(0.5, changed.getSpec().getOptimizer().getLearningRate());
            assertEquals(0.1, changed.getLayers().get(0).getWeights().get(0), 1e-12, "the weights are kept");
            // Then at 0.5: error 0.2 - 1 = -0.8, w0 = 0.1 + 0.5 * 0.8 = 0.5, b likewise.
            WeightSnapshot next = out.get(1);
            assertEquals(3, next.getVersion());
            assertEquals(0.5, next.getLayers().get(0).getWeights().get(0), 1e-12);
            assertEquals(0.5, next.getLayers().get(0).getBiases().get(0), 1e-12);
        }
    }

    @Test
    void anAddedModelIsTrainedAndScored() throws Exception {
        try (TopologyFixture f = new TopologyFixture(YAML)) {
            f.example("{\"model\": \"extra\", \"features\": [1, 0, 0], \"label\": 1}", 100);
            assertEquals(DeadLetterReason.UNKNOWN_MODEL.name(), TopologyFixture.header(f.readDeadLetters().get(0), "streamlearn.dlq.reason"));
            ObjectNode extra = ModelEntry.toJson(ModelEntry.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    "{\"id\": \"extra\", \"inputSize\": 3, \"layers\": [{\"units\": 1, \"activation\": \"linear\"}],"
                            + " \"loss\": \"squared_error\", \"optimizer\": {\"kind\": \"sgd\"}, \"snapshot\": {\"everyUpdates\": 1}}"),
                    "test"));
            write(f, extra, false);
            assertNotNull(f.catalog.model("extra"));
            f.example("{\"model\": \"extra\", \"features\": [1, 0, 0], \"label\": 1}", 110);
            WeightSnapshot v1 = f.readWeights().get(0);
            assertEquals("extra", v1.getModel());
            assertEquals(1, v1.getVersion());
            f.event("e1", "{\"id\": \"e1\", \"model\": \"extra\", \"features\": [1, 0, 0]}", 120);
            assertEquals("extra", f.readScored().get(0).model());
            // A retrain's request for it is published as its next version.
            var n = io.streamlearn.model.Network.withWeights(f.catalog.model("extra").spec(), new double[][] {{1, 2, 3}},
                    new double[][] {{4}});
            var request = io.streamlearn.snapshot.SnapshotMapper.snapshot("extra", 1, n, io.streamlearn.config.UpdateMode.stochastic(),
                    1000, new io.streamlearn.eval.Prequential(), 0, io.streamlearn.avro.SnapshotSource.RETRAIN, 1L);
            f.driver.createInputTopic(f.config.topics().requests(), new ByteArraySerializer(), new ByteArraySerializer())
                    .pipeInput("extra".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            io.streamlearn.kafka.Topics.of(f.config).requests().codec().encode(request), 130L);
            assertTrue(f.readDeadLetters().isEmpty());
            WeightSnapshot v2 = f.readWeights().get(0);
            assertEquals(2, v2.getVersion());
            assertEquals(List.of(1.0, 2.0, 3.0), v2.getLayers().get(0).getWeights());
        }
    }

    @Test
    void aRetiredModelIsNeitherTrainedNorScoredAndPublishesWhatItHadLearned() {
        try (TopologyFixture f = new TopologyFixture(TrainingTopologyTest.linearModel("{mode: stochastic}", 1000))) {
            f.example("{\"features\": [1, 0], \"label\": 1}", 100);
            f.example("{\"features\": [1, 0], \"label\": 1}", 110);
            assertTrue(f.readWeights().isEmpty(), "under the threshold: nothing published yet");
            write(f, ModelEntry.toJson(f.config.model("lin")), true);
            assertNull(f.catalog.model("lin"));
            // The trainer follows the catalogue at its next record or wall-clock tick (every second at most).
            f.driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
            f.example("{\"features\": [1, 0], \"label\": 1}", 120);
            f.event("e1", "{\"id\": \"e1\", \"features\": [1, 0]}", 130);
            List<WeightSnapshot> out = f.readWeights();
            assertEquals(1, out.size(), "the two updates it had learned go out once");
            assertEquals("retired from the catalogue", String.valueOf(out.get(0).getReason()));
            assertEquals(2, out.get(0).getExamplesSeen());
            var dead = f.readDeadLetters();
            assertEquals(2, dead.size());
            for (var d : dead) {
                assertEquals(DeadLetterReason.MODEL_RETIRED.name(), TopologyFixture.header(d, "streamlearn.dlq.reason"));
            }
            // Brought back: it goes on from its state.
            write(f, ModelEntry.toJson(f.config.model("lin")), false);
            f.example("{\"features\": [1, 0], \"label\": 1}", 140);
            f.driver.advanceWallClockTime(java.time.Duration.ofSeconds(2000));
            WeightSnapshot back = f.readWeights().get(0);
            assertEquals(2, back.getVersion());
            assertEquals(3, back.getExamplesSeen());
        }
    }

    @Test
    void aRecordThatChangesTheShapeIsRefused() {
        try (TopologyFixture f = new TopologyFixture(YAML)) {
            write(f, ModelEntry.renamed(lin(f, Map.of("loss", "binary_cross_entropy", "layers.0.activation", "sigmoid")), "lin"),
                    false);
            assertEquals("squared_error", f.catalog.model("lin").spec().loss().name().toLowerCase());
            f.example("{\"features\": [1, 0], \"label\": 1}", 100);
            assertEquals(1, f.readWeights().size());
        }
    }
}

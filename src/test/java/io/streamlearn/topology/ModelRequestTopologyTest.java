package io.streamlearn.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.avro.WeightSnapshot;
import io.streamlearn.codec.DeadLetterReason;
import io.streamlearn.config.UpdateMode;
import io.streamlearn.eval.Prequential;
import io.streamlearn.kafka.Topics;
import io.streamlearn.model.Network;
import io.streamlearn.snapshot.SnapshotMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Requests to publish retrained weights reach the trainer, which numbers them as the next version
 * of the model, whatever version the request names, and keeps learning on top of them. Requests
 * that do not fit are dead-lettered with their bytes and a reason; the model goes on unchanged.
 */
class ModelRequestTopologyTest {
    private static final String YAML = TrainingTopologyTest.linearModel("{mode: stochastic}", 1);

    private static WeightSnapshot retrained(TopologyFixture f, double w0, double w1, double b, long base) {
        Network n = Network.withWeights(f.config.model("lin").spec(), new double[][] {{w0, w1}}, new double[][] {{b}});
        return SnapshotMapper.snapshot("lin", base, n, UpdateMode.count(32), 1000, new Prequential(), 0,
                SnapshotSource.RETRAIN, base);
    }

    private static TestInputTopic<byte[], byte[]> requests(TopologyFixture f) {
        return f.driver.createInputTopic(f.config.topics().requests(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Test
    void aRequestBecomesTheNextVersionAndLearningGoesOnFromIt() {
        try (TopologyFixture f = new TopologyFixture(YAML)) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 100);
            f.example("{\"features\": [1, 2], \"label\": 1}", 110);
            assertEquals(2, f.readWeights().size());
            // A retrain that started from version 1 ends while the learner is at version 2.
            RecordHeaders h = new RecordHeaders();
            h.add("streamlearn.lineage.replayed", "examples 0:0-1".getBytes(StandardCharsets.UTF_8));
            h.add("other", "dropped".getBytes(StandardCharsets.UTF_8));
            requests(f).pipeInput(new TestRecord<>("lin".getBytes(StandardCharsets.UTF_8),
                    Topics.of(f.config).requests().codec().encode(retrained(f, 0.5, -0.5, 0.25, 1)), h, 120L));
            var out = f.weights.readRecord();
            WeightSnapshot v3 = Topics.of(f.config).weights().codec().decode(out.value());
            assertEquals(3, v3.getVersion(), "numbered after the learner's own version 2");
            assertEquals(2L, v3.getParentVersion());
            assertEquals(SnapshotSource.RETRAIN, v3.getSource());
            assertEquals(List.of(0.5, -0.5), v3.getLayers().get(0).getWeights());
            assertEquals(2, v3.getExamplesSeen(), "the learner's own count goes on");
            assertArrayEquals("examples 0:0-1".getBytes(StandardCharsets.UTF_8),
                    out.headers().lastHeader("streamlearn.lineage.replayed").value(), "the lineage travels with it");
            assertEquals(null, out.headers().lastHeader("other"));

            // The next example is learned from the requested weights: x = (2, 0), y = 0, lr 0.1,
            // prediction 0.5*2 + 0.25 = 1.25, so w0 = 0.5 - 0.1*1.25*2 = 0.25, b = 0.25 - 0.125.
            f.example("{\"features\": [2, 0], \"label\": 0}", 130);
            WeightSnapshot v4 = f.readWeights().get(0);
            assertEquals(4, v4.getVersion());
            assertEquals(0.25, v4.getLayers().get(0).getWeights().get(0), 1e-12);
            assertEquals(0.125, v4.getLayers().get(0).getBiases().get(0), 1e-12);
        }
    }

    @Test
    void requestsThatDoNotFitAreDeadLettered() {
        try (TopologyFixture f = new TopologyFixture(YAML)) {
            f.example("{\"features\": [1, 2], \"label\": 1}", 100);
            f.readWeights();
            byte[] good = Topics.of(f.config).requests().codec().encode(retrained(f, 1, 1, 1, 1));
            requests(f).pipeInput("nosuch".getBytes(StandardCharsets.UTF_8), good, 110L);
            requests(f).pipeInput("lin".getBytes(StandardCharsets.UTF_8), "not a snapshot".getBytes(StandardCharsets.UTF_8), 120L);
            requests(f).pipeInput(null, good, 130L);
            List<TestRecord<byte[], byte[]>> dead = f.readDeadLetters();
            assertEquals(List.of(DeadLetterReason.UNKNOWN_MODEL, DeadLetterReason.UNDECODABLE, DeadLetterReason.UNKNOWN_MODEL),
                    dead.stream().map(r -> DeadLetterReason.valueOf(TopologyFixture.header(r, DeadLetters.REASON))).toList());
            assertArrayEquals("not a snapshot".getBytes(StandardCharsets.UTF_8), dead.get(1).value(), "original bytes kept");
            assertEquals(List.of(), f.readWeights(), "nothing published");
        }
    }
}

package io.streamlearn.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.avro.SnapshotSource;
import io.streamlearn.codec.Codecs;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.learn.BackgroundLearner;
import io.streamlearn.learn.OnlineLearner;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelRecordSizesTest {

    private static StreamlearnConfig config(String weightsFormat, int inputs, String layers) {
        return ConfigLoader.fromYaml("""
                formats: {weights: %s}
                models:
                  - id: default
                    inputSize: %d
                    layers: %s
                    loss: binary_cross_entropy
                    optimizer: {kind: adam}
                """.formatted(weightsFormat, inputs, layers), Map.of());
    }

    @Test
    void aSmallModelKeepsKafkasDefaultLimit() {
        assertEquals(ModelRecordSizes.KAFKA_DEFAULT_LIMIT,
                ModelRecordSizes.recordLimit(config("avro", 10, "[{units: 1, activation: sigmoid}]")));
    }

    /** The limit covers a trained model's real records, whatever values its numbers took. */
    @ParameterizedTest
    @ValueSource(strings = {"avro", "json"})
    void theLimitCoversTheRecordsOfATrainedModel(String format) {
        StreamlearnConfig c = config(format, 10, "[{units: 256, activation: tanh}, {units: 256, activation: tanh}, {units: 1, activation: sigmoid}]");
        OnlineLearner l = OnlineLearner.fresh(c.model("default"));
        Random r = new Random(3);
        for (int i = 0; i < 20; i++) {
            double[] x = new double[10];
            for (int j = 0; j < 10; j++) {
                x[j] = r.nextGaussian() * 1e-300;
            }
            l.learn(x, i % 2, null, i);
        }
        int checkpoint = Codecs.checkpoints().encode(SnapshotMapper.checkpoint(l)).length;
        int snapshot = Topics.of(c).weights().codec().encode(
                SnapshotMapper.snapshot(l, 12345, 1_700_000_000_000L, SnapshotSource.LIVE, 12344L)).length;
        int limit = ModelRecordSizes.recordLimit(c);
        assertTrue(checkpoint > ModelRecordSizes.KAFKA_DEFAULT_LIMIT, "the checkpoint is above 1 MiB: " + checkpoint);
        assertTrue(limit > checkpoint && limit > snapshot,
                "limit " + limit + " covers checkpoint " + checkpoint + " and snapshot " + snapshot);
    }

    @Test
    void aModelTooLargeToSaveIsRefusedWithTheLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelRecordSizes.recordLimit(config("avro", 3_000_000, "[{units: 1, activation: sigmoid}]")));
        assertTrue(e.getMessage().contains("model 'default'") && e.getMessage().contains(Integer.toString(ModelRecordSizes.MAX_LIMIT)),
                e.getMessage());
    }

    /** drift.action background: the limit covers a checkpoint carrying a second network beside the model's. */
    @Test
    void theLimitOfABackgroundModelCoversItsBackgroundLearner() {
        String layers = "[{units: 256, activation: tanh}, {units: 256, activation: tanh}, {units: 1, activation: sigmoid}]";
        StreamlearnConfig report = config("avro", 10, layers);
        StreamlearnConfig background = ConfigLoader.fromYaml("""
                models:
                  - id: default
                    inputSize: 10
                    layers: %s
                    loss: binary_cross_entropy
                    optimizer: {kind: adam}
                    drift: {action: background}
                """.formatted(layers), Map.of());
        OnlineLearner l = OnlineLearner.fresh(background.model("default"));
        Random r = new Random(3);
        for (int i = 0; i < 20; i++) {
            double[] x = new double[10];
            for (int j = 0; j < 10; j++) {
                x[j] = r.nextGaussian() * 1e-300;
            }
            l.learn(x, i % 2, null, i);
        }
        l.restoreBackground(new BackgroundLearner(l.network().copy(), 7));
        int checkpoint = Codecs.checkpoints().encode(SnapshotMapper.checkpoint(l)).length;
        int limit = ModelRecordSizes.recordLimit(background);
        assertTrue(limit > checkpoint, "limit " + limit + " covers checkpoint " + checkpoint + " with a background learner");
        assertTrue(checkpoint > ModelRecordSizes.recordLimit(report), "a report model's limit would not: " + checkpoint);
    }
}

package io.streamlearn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A model written as a catalogue entry reads back as the same model, and edits are checked as the file's are. */
class ModelEntryTest {
    private static final String YAML = """
            defaultModel: plain
            models:
              - id: plain
                inputSize: 3
              - id: or
                inputSize: 2
                layers: [{units: 1, activation: step}]
                loss: perceptron
                optimizer: {kind: sgd, learningRate: 0.1}
                initialWeights: [[0.5, 0.5]]
                initialBiases: [[-0.2]]
              - id: windowed
                inputSize: 4
                layers: [{units: 8, activation: relu}, {units: 3, activation: softmax}]
                optimizer: {kind: adam, learningRate: 0.003, schedule: exponential, decaySteps: 100, decayRate: 0.5}
                l2: 0.0001
                seed: 7
                scaling: minmax
                update: {mode: window, windowMs: 5000, graceMs: 250}
                maxFutureMs: 1000
                snapshot: {everyUpdates: 10, everyMs: 2000}
                drift: {action: reset}
              - id: counted
                inputSize: 2
                update: {mode: count, batchSize: 16}
              - id: parallel
                inputSize: 2
                scaling: none
                parallel: {syncEvery: 32, merge: sum, maxLag: 3}
              - id: background
                inputSize: 2
                drift: {action: background}
            """;

    @Test
    void everyModelReadsBackTheSame() {
        StreamlearnConfig config = ConfigLoader.fromYaml(YAML, Map.of());
        for (ModelConfig m : config.models().values()) {
            var json = ModelEntry.toJson(m);
            ModelConfig back = ModelEntry.parse(json, "test");
            assertEquals(m.spec(), back.spec(), m.id());
            assertEquals(m.update(), back.update(), m.id());
            assertEquals(m.snapshot(), back.snapshot(), m.id());
            assertEquals(m.drift(), back.drift(), m.id());
            assertEquals(m.eventTime(), back.eventTime(), m.id());
            assertEquals(m.parallel(), back.parallel(), m.id());
            assertTrue(java.util.Arrays.deepEquals(m.initialWeights(), back.initialWeights()), m.id());
            assertEquals(json, ModelEntry.toJson(back), m.id());
            assertTrue(ModelEntry.same(m, back));
        }
    }

    @Test
    void editsAreCheckedAsTheFileIs() {
        ModelConfig plain = ConfigLoader.fromYaml(YAML, Map.of()).model("plain");
        var changed = ModelEntry.parse(ModelEntry.with(ModelEntry.toJson(plain), Map.of("optimizer.learningRate", "0.05")), "t");
        assertEquals(0.05, changed.spec().optimizer().learningRate());
        assertTrue(ModelEntry.refusedChanges(plain, changed).isEmpty());
        assertTrue(!ModelEntry.same(plain, changed));

        ConfigException bad = assertThrows(ConfigException.class, () -> ModelEntry.parse(
                ModelEntry.with(ModelEntry.toJson(plain), Map.of("optimizer.learningRate", "fast")), "model 'plain'"));
        assertTrue(bad.problems().get(0).contains("model 'plain'.optimizer.learningRate"), bad.problems().toString());
        ConfigException typo = assertThrows(ConfigException.class, () -> ModelEntry.parse(
                ModelEntry.with(ModelEntry.toJson(plain), Map.of("optimiser.learningRate", "0.1")), "m"));
        assertTrue(typo.problems().toString().contains("optimiser"), typo.problems().toString());
        ConfigException id = assertThrows(ConfigException.class, () -> ModelEntry.with(ModelEntry.toJson(plain), Map.of("id", "x")));
        assertTrue(id.problems().get(0).contains("cannot change"));

        var wider = ModelEntry.parse(ModelEntry.with(ModelEntry.toJson(plain), Map.of("inputSize", "5", "loss", "squared_error")), "t");
        assertEquals(List.of("inputSize 3 → 5", "loss binary_cross_entropy → squared_error"), ModelEntry.refusedChanges(plain, wider));
    }
}

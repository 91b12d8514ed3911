package io.streamlearn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.model.Activation;
import io.streamlearn.model.LossKind;
import io.streamlearn.model.OptimizerKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    @Test
    void noFileMeansOneDefaultModel() {
        StreamlearnConfig c = ConfigLoader.defaults();
        assertEquals("default", c.defaultModel());
        assertEquals(List.of("default"), List.copyOf(c.models().keySet()));
        ModelConfig m = c.model("default");
        assertEquals(2, m.spec().inputSize());
        assertEquals(Activation.SIGMOID, m.spec().layers().get(0).activation());
        assertEquals(LossKind.BINARY_CROSS_ENTROPY, m.spec().loss());
        assertEquals(OptimizerKind.ADAGRAD, m.spec().optimizer().kind());
        assertEquals(0.5, m.spec().optimizer().learningRate());
        assertEquals(io.streamlearn.model.Scaling.STANDARD, m.spec().scaling());
        assertEquals(UpdateMode.Kind.STOCHASTIC, m.update().kind());
        assertEquals("examples", c.topics().examples());
        assertEquals("scored-events", c.topics().scoredEvents());
        assertEquals(ProcessingGuarantee.EXACTLY_ONCE_V2, c.guarantee());
        assertEquals(Format.JSON, c.formats().examples());
        assertEquals(Format.AVRO, c.formats().weights());
    }

    @Test
    void readsAFullModelDeclaration() {
        StreamlearnConfig c = ConfigLoader.fromYaml("""
                applicationId: app1
                bootstrapServers: broker:9092
                topics: {prefix: dev-, partitions: 4, scoredEvents: predictions}
                formats: {examples: avro, weights: json}
                processingGuarantee: at_least_once
                defaultModel: xor
                models:
                  - id: xor
                    inputSize: 2
                    layers:
                      - {units: 4, activation: tanh}
                      - {units: 1, activation: sigmoid}
                    loss: binary_cross_entropy
                    optimizer: {kind: rmsprop, learningRate: 0.01, rho: 0.8}
                    l2: 0.001
                    seed: 7
                    update: {mode: window, windowMs: 250}
                    snapshot: {everyUpdates: 10, everyMs: 5000}
                kafka:
                  security.protocol: SASL_SSL
                """, Map.of());
        assertEquals("dev-examples", c.topics().examples());
        assertEquals("dev-predictions", c.topics().scoredEvents());
        assertEquals(4, c.partitions());
        assertEquals(Format.AVRO, c.formats().examples());
        assertEquals(Format.JSON, c.formats().weights());
        assertEquals(ProcessingGuarantee.AT_LEAST_ONCE, c.guarantee());
        ModelConfig m = c.model("xor");
        assertEquals(2, m.spec().layers().size());
        assertEquals(4, m.spec().layers().get(0).units());
        assertEquals(0.8, m.spec().optimizer().rho());
        assertEquals(0.01, m.spec().optimizer().learningRate());
        assertEquals(new UpdateMode(UpdateMode.Kind.WINDOW, 0, 250), m.update());
        assertEquals(new SnapshotPolicy(10, 5000), m.snapshot());
        assertEquals("SASL_SSL", c.kafka().get("security.protocol"));
    }

    @Test
    void optimizersDefaultToKerasHyperParameters() {
        StreamlearnConfig c = ConfigLoader.fromYaml("""
                models:
                  - {id: default, inputSize: 3, optimizer: {kind: adam}}
                """, Map.of());
        assertEquals(0.001, c.model("default").spec().optimizer().learningRate());
        assertEquals(0.999, c.model("default").spec().optimizer().beta2());
    }

    @Test
    void overridesWinOverTheFile() {
        StreamlearnConfig c = ConfigLoader.fromYaml("topics: {prefix: a-}\n", Map.of(
                "topics.prefix", "b-", "bootstrapServers", "x:1", "kafka.sasl.mechanism", "SCRAM-SHA-512"));
        assertEquals("b-examples", c.topics().examples());
        assertEquals("x:1", c.bootstrapServers());
        assertEquals("SCRAM-SHA-512", c.kafka().get("sasl.mechanism"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromYaml("""
                topics: {partitions: 0, colour: blue}
                formats: {examples: xml}
                processingGuarantee: maybe
                defaultModel: missing
                models:
                  - id: a
                    inputSize: -2
                    layers: [{units: 1, activation: swish}]
                    optimizer: {kind: lbfgs}
                    update: {mode: window, windowMs: 0}
                  - id: b
                    inputSize: 2
                    initialWeights: [[1, 2, 3]]
                    initialBiases: [[0]]
                """, Map.of()));
        String msg = e.getMessage();
        List<String> expected = List.of("topics.partitions", "topics.colour: unknown key", "formats.examples",
                "processingGuarantee", "models[0].inputSize", "models[0].layers[0].activation",
                "models[0].optimizer.kind", "models[0].update.windowMs", "initialWeights[0] needs 1 x 2");
        for (String s : expected) {
            assertTrue(msg.contains(s), "message mentions " + s + ":\n" + msg);
        }
        assertTrue(e.problems().size() >= expected.size(), msg);
    }

    @Test
    void eachModelHasItsOwnGraceAndFutureTolerance() {
        StreamlearnConfig c = ConfigLoader.fromYaml("""
                models:
                  - {id: a, inputSize: 2, update: {mode: window, windowMs: 1000, graceMs: 250}, maxFutureMs: 5000}
                  - {id: b, inputSize: 2, update: {mode: window, windowMs: 1000}}
                  - {id: c, inputSize: 2}
                defaultModel: a
                """, Map.of("models.2.maxFutureMs", "0"));
        assertEquals(new EventTimePolicy(250, 5000), c.model("a").eventTime());
        assertEquals(new EventTimePolicy(0, 60_000), c.model("b").eventTime(), "no grace, a minute ahead at most");
        assertEquals(EventTimePolicy.defaults(), ConfigLoader.defaults().model("default").eventTime());
        assertEquals(0, c.model("c").eventTime().maxFutureMs(), "not a millisecond ahead of the learner's clock");
        assertEquals(new UpdateMode(UpdateMode.Kind.WINDOW, 0, 1000), c.model("a").update(), "grace is no part of the mode");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromYaml("""
                models:
                  - {id: a, inputSize: 2, update: {mode: window, graceMs: -1}, maxFutureMs: -5}
                """, Map.of()));
        assertTrue(e.getMessage().contains("models[0].update.graceMs: must be between 0 and"), e.getMessage());
        assertTrue(e.getMessage().contains("models[0].maxFutureMs: must be between 0 and"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(java.nio.file.Path.of("/nonexistent/streamlearn.yaml"), Map.of()));
        assertTrue(e.getMessage().contains("/nonexistent/streamlearn.yaml does not exist"), e.getMessage());
    }
}

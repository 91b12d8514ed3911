package io.streamlearn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --set reaches into lists: models.0.inputSize, models.1.optimizer.learningRate. */
class ConfigOverridesTest {

    private static final String TWO_MODELS = """
            defaultModel: a
            models:
              - id: a
                inputSize: 2
              - id: b
                inputSize: 2
                layers: [{units: 4, activation: relu}, {units: 1, activation: sigmoid}]
                optimizer: {kind: sgd, learningRate: 0.01}
            """;

    private static Map<String, String> sets(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void anIndexSelectsAListEntry() {
        StreamlearnConfig c = ConfigLoader.fromYaml(TWO_MODELS, sets(
                "models.0.inputSize", "3",
                "models.1.optimizer.learningRate", "0.5",
                "models.1.layers.0.units", "8"));
        assertEquals(3, c.model("a").spec().inputSize());
        assertEquals(2, c.model("b").spec().inputSize());
        assertEquals(0.5, c.model("b").spec().optimizer().learningRate());
        assertEquals(8, c.model("b").spec().layers().get(0).units());
        assertEquals(0.01, ConfigLoader.fromYaml(TWO_MODELS, Map.of()).model("b").spec().optimizer().learningRate());
    }

    @Test
    void theBracketsOfTheProblemMessagesWorkToo() {
        StreamlearnConfig c = ConfigLoader.fromYaml(TWO_MODELS, sets("models[1].inputSize", "5"));
        assertEquals(5, c.model("b").spec().inputSize());
        assertEquals(2, c.model("a").spec().inputSize());
    }

    @Test
    void theIndexAfterTheLastDeclaresOneMoreEntry() {
        StreamlearnConfig c = ConfigLoader.fromYaml(TWO_MODELS, sets("models.2.id", "c", "models.2.inputSize", "7"));
        assertEquals(List.of("a", "b", "c"), List.copyOf(c.models().keySet()));
        assertEquals(7, c.model("c").spec().inputSize());
    }

    @Test
    void withoutAFileAnIndexStartsTheList() {
        StreamlearnConfig c = ConfigLoader.load(null, sets("models.0.id", "default", "models.0.inputSize", "4"));
        assertEquals(List.of("default"), List.copyOf(c.models().keySet()));
        assertEquals(4, c.model("default").spec().inputSize());
    }

    @Test
    void badPathsAreReportedTogetherAndNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromYaml(TWO_MODELS + "topics: {prefix: x-}\n", sets(
                "models.5.inputSize", "3",
                "models.inputSize", "3",
                "topics.prefix.more", "1",
                "models..id", "z",
                "kafka", "x")));
        String msg = e.getMessage();
        for (String s : List.of("override models.5.inputSize: 'models' has 2 entries; the next index is 2",
                "override models.inputSize: 'models' is a list: give an index, e.g. models.0",
                "override topics.prefix.more: 'topics.prefix' is a single value",
                "override models..id: empty part",
                "override kafka: name a Kafka client property")) {
            assertTrue(msg.contains(s), "mentions \"" + s + "\":\n" + msg);
        }
    }

    @Test
    void mappingsStillWorkAsBefore() {
        StreamlearnConfig c = ConfigLoader.load(null, sets("topics.prefix", "p-", "kafka.sasl.mechanism", "PLAIN"));
        assertEquals("p-examples", c.topics().examples());
        assertEquals("PLAIN", c.kafka().get("sasl.mechanism"));
    }
}

package io.streamlearn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.model.Scaling;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A model says how it scales its features; explicit initial weights keep their raw features. */
class ModelScalingConfigTest {

    private static StreamlearnConfig load(String models) {
        return ConfigLoader.fromYaml("models:\n" + models, Map.of("defaultModel", models.substring(models.indexOf("id: ") + 4, models.indexOf(","))));
    }

    @Test
    void scalingIsReadFromTheModel() {
        StreamlearnConfig c = load("""
                  - {id: s, inputSize: 2, scaling: standard}
                  - {id: m, inputSize: 2, scaling: min-max}
                  - {id: n, inputSize: 2, scaling: none}
                """);
        assertEquals(Scaling.STANDARD, c.model("s").spec().scaling());
        assertEquals(Scaling.MINMAX, c.model("m").spec().scaling());
        assertEquals(Scaling.NONE, c.model("n").spec().scaling());
    }

    @Test
    void explicitInitialWeightsAreForRawFeatures() {
        StreamlearnConfig c = load("""
                  - {id: or, inputSize: 2, layers: [{units: 1, activation: step}], loss: perceptron,
                     initialWeights: [[1, 1]], initialBiases: [[-1]]}
                  - {id: plain, inputSize: 2}
                """);
        assertEquals(Scaling.NONE, c.model("or").spec().scaling());
        assertEquals(ConfigLoader.DEFAULT_SCALING, c.model("plain").spec().scaling());
    }

    @Test
    void anUnknownScalingIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("  - {id: s, inputSize: 2, scaling: log}\n"));
        assertTrue(e.getMessage().contains("standard, minmax or none"), e.getMessage());
    }
}

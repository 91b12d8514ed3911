package io.streamlearn.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A config whose model pairs a loss with an output it cannot train is refused at load, next to
 * the config's other problems; the configs shipped in the repository all load.
 */
class LossActivationConfigTest {

    @Test
    void aLossThatCannotTrainItsOutputIsReportedWithTheOtherProblems() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromYaml("""
                processingGuarantee: maybe
                models:
                  - id: a
                    inputSize: 2
                    layers: [{units: 1, activation: relu}]
                    loss: binary_cross_entropy
                  - id: b
                    inputSize: 2
                    layers: [{units: 3, activation: step}, {units: 1, activation: sigmoid}]
                """, Map.of()));
        String msg = e.getMessage();
        assertTrue(msg.contains("processingGuarantee"), msg);
        assertTrue(msg.contains("models.a: loss binary_cross_entropy cannot train a relu output layer (use sigmoid)"), msg);
        assertTrue(msg.contains("models.b: layer 0 is step, whose gradient is zero"), msg);
    }

    @Test
    void theShippedConfigsLoad() throws Exception {
        try (Stream<Path> files = Stream.concat(Files.list(Path.of("examples")), Files.list(Path.of("config")))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                assertDoesNotThrow(() -> ConfigLoader.load(f, Map.of()), f.toString());
            }
        }
    }
}

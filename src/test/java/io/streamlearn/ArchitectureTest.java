package io.streamlearn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The layering rules of the design, checked on the sources. */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/io/streamlearn");

    private static List<String> offending(String pkg, String... forbidden) throws IOException {
        try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
            return files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    // A package may always use its own subpackages (model.optim for model).
                    return Files.readAllLines(f).stream().filter(l -> l.startsWith("import "))
                            .filter(l -> !l.startsWith("import io.streamlearn." + pkg + "."))
                            .filter(l -> Stream.of(forbidden).anyMatch(l::contains)).map(l -> f.getFileName() + ": " + l);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Test
    void theMathKnowsNothingOfKafkaOrSerialisation() throws IOException {
        assertEquals(List.of(), offending("model", "org.apache.kafka", "org.apache.avro", "com.fasterxml", "org.slf4j",
                "io.streamlearn."));
    }

    @Test
    void learningAndEvaluationKnowNothingOfKafka() throws IOException {
        assertEquals(List.of(), offending("learn", "org.apache.kafka"));
        assertEquals(List.of(), offending("eval", "org.apache.kafka"));
        assertEquals(List.of(), offending("retrain", "org.apache.kafka.streams"));
    }
}

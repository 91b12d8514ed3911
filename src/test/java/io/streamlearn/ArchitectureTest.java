package io.streamlearn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The layering rules of the design, checked on the sources. */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/io/streamlearn");
    private static final Path CLASSES = Path.of("target/classes/io/streamlearn");
    /** Kafka client and Streams classes in internals packages, as the JVM names them in class files. */
    private static final Pattern CLIENT_INTERNALS =
            Pattern.compile("org/apache/kafka/(streams|clients|common)/[A-Za-z0-9_/$]*internals/[A-Za-z0-9_/$]+");

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

    /**
     * Kafka's internals packages carry no compatibility promise: code built on them may compile
     * against a new Kafka and silently behave differently (a store hook that stops being called).
     * Read from the compiled classes, so fully qualified names and inherited types count too. The
     * embedded broker needs broker modules (kafka.server, org.apache.kafka.metadata), which are
     * not client internals and are not matched here.
     */
    @Test
    void noKafkaClientOrStreamsInternals() throws IOException {
        assertTrue(Files.isDirectory(CLASSES), "compiled classes at " + CLASSES);
        List<String> found;
        try (Stream<Path> files = Files.walk(CLASSES)) {
            found = files.filter(f -> f.toString().endsWith(".class")).flatMap(f -> {
                try {
                    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    return CLIENT_INTERNALS.matcher(text).results().map(m -> CLASSES.relativize(f) + ": " + m.group());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).distinct().toList();
        }
        assertEquals(List.of(), found);
    }
}

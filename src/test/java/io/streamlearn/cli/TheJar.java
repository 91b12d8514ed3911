package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shaded jar a user runs, and the java to run it with, for tests that start it as a child JVM. */
final class TheJar {
    private TheJar() {
    }

    /** {@code target/streamlearn.jar}: failsafe runs after {@code package}, so it is there. */
    static Path path() {
        Path jar = Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("streamlearn.jar");
        assertTrue(Files.isRegularFile(jar), jar + " exists (mvn package builds it)");
        return jar;
    }

    /** The same java as this JVM, so the jar is tested on the Java the build uses. */
    static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}

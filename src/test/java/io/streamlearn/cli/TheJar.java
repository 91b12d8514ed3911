package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The shaded jar a user runs, started in a child JVM with the java of the build. */
final class TheJar {
    /** Exit code, and stdout and stderr together as a terminal would show them. */
    record Result(int exit, String output) {
    }

    private TheJar() {
    }

    /** {@code java [jvmOptions] -jar target/streamlearn.jar args...}, given {@code seconds} to exit. */
    static Result run(List<String> jvmOptions, long seconds, List<String> args) throws Exception {
        List<String> command = command(jvmOptions, args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), "exits: " + command + "\n" + out);
        } finally {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), out);
    }

    /** Starts {@code java [jvmOptions] -jar target/streamlearn.jar args...}, stdout and stderr to the given files. */
    static Process start(List<String> jvmOptions, List<String> args, Path out, Path err) throws IOException {
        return new ProcessBuilder(command(jvmOptions, args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    }

    private static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>(ChildJvm.java(jvmOptions.toArray(String[]::new)));
        command.addAll(List.of("-jar", path().toString()));
        command.addAll(args);
        return command;
    }

    /** {@code target/streamlearn.jar}: failsafe runs after {@code package}, so it is there. */
    private static Path path() {
        Path jar = Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("streamlearn.jar");
        assertTrue(Files.isRegularFile(jar), jar + " exists (mvn package builds it)");
        return jar;
    }
}

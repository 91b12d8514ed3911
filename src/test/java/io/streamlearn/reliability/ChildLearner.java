package io.streamlearn.reliability;

import io.streamlearn.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** `streamlearn run` in a child JVM, as an operator runs it, so that it can be killed with SIGKILL. */
final class ChildLearner {
    private final Process process;
    private final Path out;

    private ChildLearner(Process process, Path out) {
        this.process = process;
        this.out = out;
    }

    static ChildLearner start(Path config, String bootstrap, Path stateDir, Path logDir, int n, List<String> extra)
            throws IOException {
        List<String> cmd = new ArrayList<>(ChildJvm.java("-Xmx512m", "-cp", System.getProperty("java.class.path")));
        // -Dstreamlearn.crash.childLogback=FILE: the children log with that logback configuration (to debug them).
        String logback = System.getProperty("streamlearn.crash.childLogback");
        if (logback != null) {
            cmd.add("-Dlogback.configurationFile=" + logback);
        }
        cmd.addAll(List.of("io.streamlearn.cli.Main", "run", "--config", config.toString(), "-b", bootstrap,
                "--set", "stateDir=" + stateDir));
        cmd.addAll(extra);
        Path out = logDir.resolve("child-" + n + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        return new ChildLearner(p, out);
    }

    /**
     * The packaged jar, {@code java -jar target/streamlearn.jar run}, exactly as an operator starts
     * it (the jar is built in {@code package}, before the integration tests run).
     */
    static ChildLearner startJar(Path config, String bootstrap, Path stateDir, Path logDir, int n) throws IOException {
        Path jar = Path.of("target", "streamlearn.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: run the integration tests with mvn verify (which packages it first)");
        }
        List<String> cmd = new ArrayList<>(ChildJvm.java("-Xmx512m", "-jar", jar.toString(), "run", "--config", config.toString(),
                "-b", bootstrap, "--set", "stateDir=" + stateDir,
                // Static membership: a restarted learner takes its predecessor's place without waiting for its session to end.
                "--set", "failover.instanceId=" + stateDir.getFileName()));
        Path out = logDir.resolve("child-" + n + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        return new ChildLearner(p, out);
    }

    /** Waits until the child's output holds {@code text}. */
    ChildLearner awaitLogLine(String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (Files.readString(out).contains(text)) {
                return this;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the learner exited before logging '" + text + "':\n" + Files.readString(out));
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the learner did not log '" + text + "':\n" + Files.readString(out));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until Kafka Streams is RUNNING in the child. */
    ChildLearner awaitRunning() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (Files.readString(out).contains("streamlearn running on")) {
                return this;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the learner exited:\n" + Files.readString(out));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the learner did not start:\n" + Files.readString(out));
    }

    /** SIGKILL: no shutdown hook, no commit, no leaving the group. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, and wait for the clean close. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    long pid() {
        return process.pid();
    }

    String log() throws IOException {
        return Files.readString(out);
    }
}

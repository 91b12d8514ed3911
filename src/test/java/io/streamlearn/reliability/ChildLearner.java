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

package io.streamlearn.reliability;

import io.streamlearn.testing.ChildJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** `streamlearn broker` in a child JVM on fixed ports and a kept data directory, so it can be SIGKILLed and started again. */
final class ChildBroker {
    final int port;
    final int controllerPort;
    private final Path dataDir;
    private final Path logDir;
    private Process process;
    private int starts;

    ChildBroker(Path dataDir, Path logDir) throws IOException {
        this.port = freePort();
        int c = freePort();
        while (c == port) {
            c = freePort();
        }
        this.controllerPort = c;
        this.dataDir = dataDir;
        this.logDir = logDir;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    ChildBroker start() throws IOException, InterruptedException {
        Path out = logDir.resolve("broker-" + (starts++) + ".log");
        List<String> cmd = new java.util.ArrayList<>(ChildJvm.java("-Xmx1g", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of("io.streamlearn.cli.Main", "broker", "--port", Integer.toString(port),
                "--controller-port", Integer.toString(controllerPort), "--data-dir", dataDir.toString()));
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out).contains("Kafka broker ready")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the broker did not start:\n" + Files.readString(out));
            }
            Thread.sleep(50);
        }
        return this;
    }

    /** SIGKILL: no controlled shutdown, the log directory as a power cut leaves it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `streamlearn run` in its own JVM: it starts, and SIGTERM closes it cleanly. */
@WithKafka
class RunCommandIT {

    @Test
    void sigtermClosesTheLearnerCleanly(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        String run = "runcmd-" + UUID.randomUUID().toString().substring(0, 8);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), "io.streamlearn.cli.Main",
                "run", "-b", kafka.bootstrapServers(), "--topic-prefix", run + "-", "--set", "applicationId=" + run,
                "--set", "stateDir=" + dir.resolve("state")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(out).contains("streamlearn running") && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(100);
            }
            assertTrue(Files.readString(out).contains("streamlearn running on " + kafka.bootstrapServers()),
                    Files.readString(out) + Files.readString(err));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(40, TimeUnit.SECONDS), "stopped after SIGTERM");
            assertTrue(Files.readString(err).contains("streamlearn stopped cleanly"), Files.readString(err));
        } finally {
            p.destroyForcibly();
        }
    }
}

package io.streamlearn.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.testing.ChildJvm;
import io.streamlearn.testing.KafkaCluster;
import io.streamlearn.testing.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learner in a crash loop (killed as the OOM killer or a failing liveness probe kills it,
 * started again) does not fill its temporary directory: RocksDB's 15 MB native library is copied
 * there once and every later start loads that copy. Left to itself RocksDB writes a new copy per
 * start and deletes it only at a normal exit, so each kill left one more.
 */
@WithKafka
class RocksDbLibraryIT {

    @Test
    void killedLearnersLeaveOneCopyOfTheLibraryNotOnePerStart(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        String app = "rocks-" + UUID.randomUUID().toString().substring(0, 8);
        for (int start = 1; start <= 3; start++) {
            List<String> cmd = new ArrayList<>(ChildJvm.java("-Xmx512m", "-Djava.io.tmpdir=" + tmp,
                    "-cp", System.getProperty("java.class.path")));
            cmd.addAll(List.of("io.streamlearn.cli.Main", "run", "-b", kafka.bootstrapServers(), "--topic-prefix", app + "-",
                    "--set", "applicationId=" + app, "--set", "stateDir=" + dir.resolve("state")));
            Path out = dir.resolve("run-" + start + ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!Files.readString(out).contains("streamlearn running on") && p.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(Files.readString(out).contains("streamlearn running on"), Files.readString(out));
            } finally {
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no deleteOnExit
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        List<Path> libraries;
        try (var files = Files.walk(tmp)) {
            libraries = files.filter(f -> f.getFileName().toString().startsWith("librocksdbjni")).toList();
        }
        assertEquals(1, libraries.size(), "copies of RocksDB's library after 3 killed starts: " + libraries);
        assertEquals(RocksDbLibrary.FILE_NAME, libraries.get(0).getFileName().toString(), libraries.toString());
    }
}

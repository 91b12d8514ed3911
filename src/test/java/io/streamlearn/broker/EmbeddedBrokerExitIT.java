package io.streamlearn.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that exits without closing its embedded broker still removes the broker's temporary
 * directory (a shutdown hook), and still leaves a kept one. Each case runs in a child JVM, since
 * only a JVM that really exits runs its hooks.
 */
class EmbeddedBrokerExitIT {

    private static final String MARK = "LOGDIR ";

    /** The child: starts a broker, prints its directory and exits without closing it. */
    public static final class UnclosedBroker {
        public static void main(String[] args) {
            EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder();
            if (args.length > 0 && args[0].equals("keep")) {
                b.keepLogDir(true);
            }
            EmbeddedKafkaBroker broker = b.start();
            System.out.println(MARK + broker.logDir());
            System.out.flush();
            System.exit(0);
        }
    }

    private static Path runChild(Path tmp, String... args) throws Exception {
        Path out = tmp.resolve("child-" + args.length + ".out");
        List<String> command = new java.util.ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                "-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                UnclosedBroker.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child exits");
        } finally {
            p.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(out);
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        String dir = lines.stream().filter(l -> l.startsWith(MARK)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + MARK + "line:\n" + String.join("\n", lines)));
        Path logDir = Path.of(dir.substring(MARK.length()));
        assertTrue(logDir.startsWith(tmp), logDir + " is under the child's java.io.tmpdir " + tmp);
        return logDir;
    }

    @Test
    void aTemporaryDirectoryGoesAwayWhenTheJvmExitsWithoutClose(@TempDir Path tmp) throws Exception {
        Path logDir = runChild(tmp);
        assertFalse(Files.exists(logDir), logDir + " was removed at exit");
    }

    @Test
    void aKeptDirectoryStaysWhenTheJvmExits(@TempDir Path tmp) throws Exception {
        Path logDir = runChild(tmp, "keep");
        assertTrue(Files.isRegularFile(logDir.resolve("meta.properties")), logDir + " is still a Kafka log dir");
        assertFalse(Files.exists(logDir.resolve(BrokerDirectory.OWNER_FILE)), "and no later sweep will take it");
    }
}

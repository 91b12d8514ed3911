package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user tripped on: produce reported "produced 3 examples" for records the configuration
 * already refuses. Now it refuses them before sending, as a user error (exit 2) saying what to
 * change, and before it connects: no broker runs here (port 1 answers nobody).
 */
class ProduceCheckTest {
    private static final String[] NO_BROKER = {"-b", "127.0.0.1:1", "--config", "examples/tutorial.yaml"};

    private static Cli.Result produce(String... args) {
        String[] all = new String[args.length + NO_BROKER.length + 1];
        all[0] = "produce";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(NO_BROKER, 0, all, 1 + args.length, NO_BROKER.length);
        return Cli.run(all);
    }

    @Test
    void anUndeclaredModelIsAUserErrorNamingTheDeclaredOnes() {
        Cli.Result r = produce("--generator", "blobs", "--model", "nosuch");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: model 'nosuch' is not declared (declared: [or, or-relu,"), r.toString());
        assertTrue(r.err().contains("choose one of them with --model"), r.toString());
        assertEquals("", r.out(), r.toString());
    }

    @Test
    void aKeyColumnTakingAFeatureIsAUserErrorNamingTheColumns(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("blobs.csv");
        Files.writeString(csv, "x1,x2,y\n0.5,1.5,1\n2.5,0.5,0\n");
        Cli.Result r = produce("--file", csv.toString(), "--key-column", "x1", "--model", "blobs");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: line 2: model 'blobs' takes 2 features, got 1: the features are the columns [x2]"),
                r.toString());
    }

    @Test
    void withoutTheCheckTheRowsGoToTheBroker() {
        // Checked no more, they need a broker: the unreachable one is reported, not the model.
        Cli.Result r = produce("--generator", "blobs", "--model", "nosuch", "--no-check");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(!r.err().contains("not declared") && r.err().contains("127.0.0.1:1"), r.toString());
    }
}

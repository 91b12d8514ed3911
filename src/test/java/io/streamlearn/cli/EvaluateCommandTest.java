package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate} prints its table, draws its curves, and says what is wrong in one line. */
class EvaluateCommandTest {

    @Test
    void theTutorialsComparisonIsOneCommand(@TempDir Path dir) {
        Cli.Result r = Cli.run("evaluate", "--data", "blobs", "--epochs", "5", "--holdout", "0.25",
                "--compare", "update=stochastic,count:32,full", "--out", dir.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("blobs: 200 examples, 2 features, 2 classes, 5 passes, 25 % held out"), r.out());
        assertTrue(r.out().contains("update=count:32"), r.out());
        assertTrue(r.out().contains("TEST"), r.out());
        assertTrue(r.out().contains("adagrad lr 0.5 constant, scaling standard, full batch"), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("evaluate-curves.png")));
    }

    @Test
    void aCsvAndItsStreamAsWritten(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("in.csv");
        Files.writeString(csv, "a,b,y\n1,10,0\n2,20,1\n3,30,1\n4,5,0\n");
        Path copy = dir.resolve("out.csv");
        Cli.Result r = Cli.run("evaluate", "--csv", csv.toString(), "--label-column", "y", "--no-png", "--per-class",
                "--write-csv", copy.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("CLASS  SUPPORT  PRECISION  RECALL"), r.out());
        assertEquals(5, Files.readAllLines(copy).size());
    }

    @Test
    void mistakesAreOneLine() {
        Cli.Result r = Cli.run("evaluate", "--data", "nothing", "--no-png");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("error: unknown stream 'nothing'"), r.err());
        r = Cli.run("evaluate", "--data", "blobs", "--no-png", "--compare", "lr=fast");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("'fast' is not a number"), r.err());
    }
}

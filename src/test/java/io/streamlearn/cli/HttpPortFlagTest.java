package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --http-port takes 0 to 65535 on every command that serves, refused before Kafka is contacted. */
class HttpPortFlagTest {

    @ParameterizedTest
    @CsvSource({"-1", "65536"})
    void outOfRangePortsAreRefusedByRun(String port) {
        // An unreachable broker: had the flag been accepted, the error would be about the broker instead.
        assertRefused(Cli.run("run", "--http-port", port, "--bootstrap-servers", "127.0.0.1:1"));
    }

    @ParameterizedTest
    @CsvSource({"-1", "65536"})
    void outOfRangePortsAreRefusedByDemoServe(String port) {
        assertRefused(Cli.run("demo", "--serve", "--http-port", port));
    }

    private static void assertRefused(Cli.Result r) {
        assertTrue(r.exit() != 0, r.toString());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line:\n" + r);
        assertTrue(err.startsWith("error: ") && err.contains("--http-port must be between 0 and 65535"), r.toString());
    }
}

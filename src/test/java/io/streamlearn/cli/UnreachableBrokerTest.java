package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code run} against a broker that is not there ends with exit code 2 and one line naming the
 * address instead of hanging: a closed port (refused at once) and a non-routable address (no
 * answer at all). The timeout only guards against a hang; it asserts no speed.
 */
class UnreachableBrokerTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:1", "10.255.255.1:9092"})
    void runReportsTheAddressAndExitsWithTwo(String address, @TempDir Path state) {
        Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> Cli.run("run", "-b", address, "--set", "stateDir=" + state));
        assertEquals(2, r.exit(), r.toString());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line:\n" + r);
        assertTrue(err.startsWith("error: "), r.toString());
        assertTrue(err.contains(address), "names " + address + ":\n" + r);
    }
}

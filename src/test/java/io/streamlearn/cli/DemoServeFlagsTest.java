package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code demo --serve}'s flags are checked before anything starts: one line, exit code 2. */
class DemoServeFlagsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "demo --serve --http-port 70000|--http-port must be between 0 and 65535",
            "demo --serve --http-port -1|--http-port must be between 0 and 65535",
            "demo --serve --feed xor|--feed must be one of [hyperplane, blobs, gaussian]",
            "demo --serve --rate 0|--rate must be above 0",
            "demo --serve --rate NaN|--rate must be above 0",
            "demo --serve --rate 20000|at most 10000",
            "demo --http-port 9000|--http-port applies with --serve only",
            "demo --feed blobs|--feed applies with --serve only",
            "demo --serve --http-port x|Invalid value for option '--http-port'",
    })
    void badServeFlagsAreOneLineErrors(String args, String message) {
        Cli.Result r = Cli.run(args.split(" "));
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains(message), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r);
        assertTrue(r.out().isEmpty(), "nothing started: " + r);
    }

    @Test
    void aPortInUseIsReportedBeforeStarting() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Cli.Result r = Cli.run("demo", "--serve", "--http-port", String.valueOf(taken.getLocalPort()));
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("cannot serve on 127.0.0.1:" + taken.getLocalPort()), r.toString());
            assertTrue(r.err().contains("choose another --http-port (0: any free port)"), r.toString());
            assertTrue(r.out().isEmpty(), r.toString());
        }
    }

    @Test
    void helpDescribesServing() {
        Cli.Result r = Cli.run("demo", "--help");
        assertEquals(0, r.exit(), r.toString());
        for (String flag : new String[] {"--serve", "--http-port", "--http-host", "--feed", "--rate"}) {
            assertTrue(r.out().contains(flag), flag + " in\n" + r.out());
        }
        assertTrue(r.out().contains("hyperplane, blobs, gaussian"), r.out());
    }
}

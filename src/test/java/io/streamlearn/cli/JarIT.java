package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The jar a user runs, as a user runs it: {@code java -jar target/streamlearn.jar} in a fresh
 * JVM, so a missing main class, a shading mistake or a command left out of {@link Main} shows
 * here and not only in the in-process command tests. Failsafe runs after {@code package}, so the
 * jar is there.
 */
class JarIT {

    private static final List<String> COMMANDS =
            List.of("demo", "broker", "run", "produce", "tail", "retrain", "models", "weights", "plot", "bench");

    private static TheJar.Result run(String... args) throws Exception {
        return TheJar.run(List.of(), 60, List.of(args));
    }

    @Test
    void helpListsEveryCommand() throws Exception {
        TheJar.Result r = run("--help");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().startsWith("Usage: streamlearn"), r.output());
        int listing = r.output().indexOf("Commands:");
        assertTrue(listing >= 0, "a command listing:\n" + r.output());
        String commands = r.output().substring(listing);
        for (String name : COMMANDS) {
            // A listed command starts its own line, followed by its description.
            assertTrue(Pattern.compile("(?m)^\\s+" + name + "\\s").matcher(commands).find(),
                    name + " is listed:\n" + r.output());
        }
    }

    @Test
    void versionNamesTheProgramAndItsBuild() throws Exception {
        // The jar's manifest carries the project version; without it picocli would print 'dev'.
        TheJar.Result r = run("--version");
        assertEquals(0, r.exit(), r.output());
        assertTrue(Pattern.compile("^streamlearn \\d+\\.\\d+\\.\\d+\\S*\\R?$").matcher(r.output()).matches(), r.output());
    }

    @Test
    void anUnknownCommandFailsWithoutAStackTrace() throws Exception {
        TheJar.Result r = run("no-such-command");
        assertTrue(r.exit() != 0, r.output());
        assertTrue(!r.output().contains("\tat "), "no stack trace:\n" + r.output());
    }
}

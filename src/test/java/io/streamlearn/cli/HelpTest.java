package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command, found by walking the command tree (so a new command is covered without being listed here),
 * answers --help and -h with its usage and exit 0 without touching Kafka, and -V with the version.
 */
class HelpTest {

    /** Each command's words after "streamlearn", e.g. ["weights"]; the root is []. */
    static Stream<Arguments> commands() {
        List<List<String>> paths = new ArrayList<>();
        walk(Main.newCommandLine(), new ArrayList<>(), paths);
        return paths.stream().map(p -> Arguments.of(String.join(" ", p), p));
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        for (Map.Entry<String, CommandLine> sub : cl.getSubcommands().entrySet()) {
            // an alias maps to the same CommandLine; its name is what usage prints
            if (!sub.getKey().equals(sub.getValue().getCommandName())) continue;
            path.add(sub.getKey());
            walk(sub.getValue(), path, into);
            path.remove(path.size() - 1);
        }
    }

    @Test
    void theWalkFindsTheCommands() {
        List<String> names = commands().map(a -> (String) a.get()[0]).toList();
        for (String c : List.of("", "demo", "run", "broker", "produce", "tail", "retrain", "models", "weights", "plot", "bench", "help")) {
            assertTrue(names.contains(c), "'" + c + "' in " + names);
        }
    }

    @ParameterizedTest(name = "streamlearn {0} --help / -h")
    @MethodSource("commands")
    void helpPrintsUsageAndExitsZero(String name, List<String> path) {
        String expected = ("Usage: streamlearn " + name).strip();
        for (String flag : List.of("--help", "-h")) {
            Cli.Result r = Cli.run(args(path, flag));
            assertEquals(0, r.exit(), flag + ":\n" + r);
            assertTrue(r.out().startsWith(expected + " ") || r.out().startsWith(expected + "\n")
                            || r.out().startsWith(expected + System.lineSeparator()),
                    flag + " starts with '" + expected + "':\n" + r);
            assertEquals("", r.err(), flag + ":\n" + r);
        }
    }

    @ParameterizedTest(name = "streamlearn {0} -V")
    @MethodSource("commands")
    void versionOptionsPrintTheVersion(String name, List<String> path) {
        CommandLine cl = find(path);
        List<String> flags = new ArrayList<>();
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            if (o.versionHelp()) flags.addAll(List.of(o.names()));
        }
        // the built-in help command has no version option; every command of ours must offer -V
        if (cl.getCommand() instanceof CommandLine.HelpCommand) return;
        assertTrue(flags.contains("-V"), "'" + name + "' offers -V: " + flags);
        for (String flag : flags) {
            Cli.Result r = Cli.run(args(path, flag));
            assertEquals(0, r.exit(), flag + ":\n" + r);
            assertTrue(r.out().startsWith("streamlearn "), flag + " prints the version:\n" + r);
        }
    }

    @Test
    void theRootListsEveryCommandWithACompleteSummary() {
        Cli.Result r = Cli.run("--help");
        assertEquals(0, r.exit(), r.toString());
        Map<String, String> summaries = new LinkedHashMap<>();
        String current = null;
        boolean inCommands = false;
        for (String line : r.out().lines().toList()) {
            if (line.startsWith("Commands:")) {
                inCommands = true;
                continue;
            }
            if (!inCommands || line.isBlank()) continue;
            // "  name     summary", continued by deeper-indented lines when it wraps
            if (line.startsWith("  ") && !line.startsWith("   ")) {
                String[] parts = line.strip().split("\\s+", 2);
                current = parts[0];
                summaries.put(current, parts.length > 1 ? parts[1] : "");
            } else if (current != null) {
                summaries.merge(current, line.strip(), (a, b) -> a + " " + b);
            }
        }
        for (String sub : Main.newCommandLine().getSubcommands().keySet()) {
            String summary = summaries.get(sub);
            assertTrue(summary != null && !summary.isEmpty(), "'" + sub + "' listed with a summary:\n" + r.out());
            assertFalse(summary.endsWith(","), "'" + sub + "' summary cut at a comma: " + summary);
            assertTrue(summary.endsWith("."), "'" + sub + "' summary is a whole sentence: " + summary);
        }
    }

    /**
     * {@code main} builds {@code run} alone (a learner's start skips building the other commands):
     * its help, its version and a bad flag's message must be those of {@code run} under the whole
     * command line.
     */
    @Test
    void runAloneSaysWhatRunUnderTheWholeCommandLineSays() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"-V"}, new String[] {"--no-such-flag"},
                new String[] {"--http-port"})) {
            java.io.StringWriter aloneOut = new java.io.StringWriter();
            java.io.StringWriter aloneErr = new java.io.StringWriter();
            CommandLine alone = Main.runCommandLine();
            alone.setOut(new java.io.PrintWriter(aloneOut));
            alone.setErr(new java.io.PrintWriter(aloneErr));
            int aloneExit = alone.execute(args);
            java.io.StringWriter wholeOut = new java.io.StringWriter();
            java.io.StringWriter wholeErr = new java.io.StringWriter();
            CommandLine whole = Main.newCommandLine();
            whole.setOut(new java.io.PrintWriter(wholeOut));
            whole.setErr(new java.io.PrintWriter(wholeErr));
            List<String> all = new ArrayList<>(List.of("run"));
            all.addAll(List.of(args));
            int wholeExit = whole.execute(all.toArray(String[]::new));
            assertEquals(wholeExit, aloneExit, String.join(" ", args));
            assertEquals(wholeOut.toString(), aloneOut.toString(), String.join(" ", args));
            assertEquals(wholeErr.toString(), aloneErr.toString(), String.join(" ", args));
        }
    }

    private static String[] args(List<String> path, String flag) {
        List<String> a = new ArrayList<>(path);
        a.add(flag);
        return a.toArray(String[]::new);
    }

    private static CommandLine find(List<String> path) {
        CommandLine cl = Main.newCommandLine();
        for (String p : path) cl = cl.getSubcommands().get(p);
        return cl;
    }
}

package io.streamlearn.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** Entry point of {@code streamlearn.jar}: one picocli command per thing a user does. */
@Command(name = "streamlearn",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "An online learner on Apache Kafka: train on labeled examples, publish weights, score events.",
        subcommands = {DemoCommand.class, RunCommand.class, BrokerCommand.class, ProduceCommand.class, TailCommand.class, RetrainCommand.class, RollbackCommand.class, ModelCommand.class,
                ModelsCommand.class, WeightsCommand.class, PlotCommand.class, BenchCommand.class, EvaluateCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("run") || args[0].equals("demo"))) {
            // A learner will start: its class loading begins beside the parsing (StartupWarmup).
            io.streamlearn.app.StartupWarmup.begin();
        }
        if (args.length > 0 && args[0].equals("run")) {
            System.exit(runCommandLine().execute(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(newCommandLine().execute(args));
    }

    /**
     * {@code run} alone, named as it is under this command: a learner's start then does not build
     * every other command first (half a second on two cores, measured: reflection, class loading,
     * the other commands' static state). It parses, prints its help and fails exactly as
     * {@link #newCommandLine}'s {@code run} (HelpTest compares them).
     */
    static CommandLine runCommandLine() {
        CommandLine cl = new CommandLine(new RunCommand());
        cl.getCommandSpec().name("streamlearn run");
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new ErrorHandler());
        return cl;
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new ErrorHandler());
        // picocli's help command prints its summary as a header above "Usage:"; every other command's usage
        // starts with "Usage: streamlearn ...", so its summary becomes the first description line instead.
        var help = cl.getSubcommands().get("help").getCommandSpec().usageMessage();
        List<String> description = new ArrayList<>(List.of(help.header()));
        description.addAll(List.of(help.description()));
        help.description(description.toArray(String[]::new));
        help.header(new String[0]);
        help.synopsisHeading("Usage: ");
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

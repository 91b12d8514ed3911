package io.streamlearn.cli;

import io.streamlearn.app.LearnerStoppedException;
import io.streamlearn.config.ConfigException;
import io.streamlearn.config.Secrets;
import io.streamlearn.lifecycle.ShutdownSequence;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Turns a bad flag or a failed command into one line on stderr and a non-zero exit code,
 * instead of a stack trace. Exit code 2 means "you asked for something wrong", 1 "it failed".
 * Everything printed passes through {@link Secrets#redact}: a message may quote an argument or a
 * setting, and passwords must not reach a terminal or a CI log.
 */
final class ErrorHandler implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {

    static final int USAGE = 2;
    static final int FAILED = 1;

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        cmd.getErr().println("error: " + Secrets.redact(ex.getMessage()) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        return USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        if (ShutdownSequence.stopping() && !(ex instanceof LearnerStoppedException)) {
            // Ctrl-C or SIGTERM is closing the learner and the broker under the command, which
            // then fails on them: the stop was asked for, and is no error to report.
            return FAILED;
        }
        if (ex instanceof UserError || ex instanceof ConfigException) {
            cmd.getErr().println("error: " + Secrets.redact(ex.getMessage()));
            return USAGE;
        }
        // A stopped learner's message is the whole report; its cause's would add lines.
        cmd.getErr().println("error: " + Secrets.redact(ex instanceof LearnerStoppedException ? ex.getMessage() : describe(ex)));
        if (System.getenv("STREAMLEARN_DEBUG") != null) {
            StringWriter trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            cmd.getErr().print(Secrets.redact(trace.toString()));
            cmd.getErr().flush();
        }
        return FAILED;
    }

    private static String describe(Throwable ex) {
        StringBuilder sb = new StringBuilder();
        Throwable t = ex;
        while (t != null) {
            if (sb.length() > 0) sb.append(": ");
            String msg = t.getMessage();
            sb.append(msg == null ? t.getClass().getSimpleName() : msg);
            if (t.getCause() == t) break;
            t = t.getCause();
            if (t != null && msg != null && t.getMessage() != null && msg.contains(t.getMessage())) break;
        }
        return sb.toString();
    }
}

package io.streamlearn.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h/--help} and {@code -V} for commands whose own {@code -v/--version} selects a model version.
 * picocli silently drops its whole standard help mixin when any one of its names is taken, which left
 * those commands with no {@code --help} at all; so they declare these instead of {@code mixinStandardHelpOptions}.
 */
final class HelpOptions {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "-V", versionHelp = true, description = "Print version information and exit.")
    boolean version;
}

/**
 * The command line (picocli): thin commands that parse flags, call the package that does the
 * work and print what it did. Main lists every command.
 *
 * <p>May use: every other package. The table is enforced by {@code ArchitectureTest}.
 */
package io.streamlearn.cli;

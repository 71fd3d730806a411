package dev.corral.cli;

import java.io.InputStream;

/**
 * How the {@code corral} process's standard streams are connected.
 *
 * @param in standard input; copied to the sandbox when {@code inherited} is false
 * @param inherited true when the CLI runs with the real process streams, so a sandbox can read and
 *     write Corral's own file descriptors directly and signals sent to Corral are forwarded; false
 *     for in-process use, where sandbox output is copied to the command line's writers
 * @param terminal true when standard input and standard output are both terminals
 */
public record CliStreams(InputStream in, boolean inherited, boolean terminal) {

  /** The real streams of this process. */
  // System.console() may still be null, e.g. with -Djdk.console=java.base and no terminal.
  @SuppressWarnings("SystemConsoleNull")
  public static CliStreams system() {
    var console = System.console();
    return new CliStreams(System.in, true, console != null && console.isTerminal());
  }

  /** Piped streams for in-process use: no terminal, sandbox output copied to the writers. */
  public static CliStreams piped(InputStream in) {
    return new CliStreams(in, false, false);
  }
}

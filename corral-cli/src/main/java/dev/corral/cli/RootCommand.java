package dev.corral.cli;

import dev.corral.core.ExitCodes;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code corral}: prints usage when no subcommand is given. */
@Command(
    name = "corral",
    mixinStandardHelpOptions = true,
    description =
        "Run AI coding agents, or any command, in isolated sandboxes on your own machine.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1-255:the exit code of the command in the sandbox (128+N: ended by signal N)",
      "2:usage error: invalid or conflicting flags",
      "3:invalid configuration file (corral.toml or config.toml)",
      "4:this host cannot run a sandbox (run `corral doctor`)",
      "5:not found: no such task, workspace or token",
      "6:conflict: not in a state that allows it (e.g. merge refused by review)",
      "124:the sandbox timed out (--timeout)",
      "125:Corral itself failed",
      "126:the command is not executable",
      "127:the command was not found in the sandbox"
    })
final class RootCommand implements Callable<Integer> {

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "Show stack traces and progress details.")
  boolean debug;

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  /** Whether {@code --debug} was given anywhere on the command line. */
  static boolean debug(CommandSpec spec) {
    return debug(spec.root().commandLine().getParseResult());
  }

  static boolean debug(@Nullable ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }
}

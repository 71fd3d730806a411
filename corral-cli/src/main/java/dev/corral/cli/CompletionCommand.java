package dev.corral.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code corral completion}: prints a bash completion script. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = "Print a bash completion script; load it with: source <(corral completion)")
final class CompletionCommand implements Callable<Integer> {

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    out.print(AutoComplete.bash("corral", spec.root().commandLine()));
    out.flush();
    return 0;
  }
}

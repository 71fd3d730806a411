package dev.corral.cli;

import dev.corral.core.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code corral egress}: what the sandboxes' network traffic was. */
@Command(
    name = "egress",
    mixinStandardHelpOptions = true,
    description = "Inspect what sandboxes sent through the egress gateway.")
final class EgressCommand implements Callable<Integer> {
  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }
}

package dev.corral.cli;

import dev.corral.core.ExitCodes;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code corral apply NAME}: puts a clone sandbox's changes into your working tree, unstaged. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Put a clone sandbox's changes into your working tree as unstaged changes.",
      "Refuses, changing nothing, on uncommitted changes or when the changes do not apply."
    })
final class ApplyCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(paramLabel = "NAME", description = "The sandbox's name (see corral ls).")
  String name = "";

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  ApplyCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    var cl = spec.commandLine();
    WorkspaceRecovery.recover(ctx, cl, RootCommand.debug(spec));
    List<String> paths = ctx.workspaces().apply(name);
    paths.forEach(cl.getOut()::println);
    cl.getOut().flush();
    cl.getErr()
        .println(
            "corral: applied "
                + paths.size()
                + (paths.size() == 1 ? " file" : " files")
                + " from corral/"
                + name
                + " to your working tree, unstaged; review with `git diff`");
    cl.getErr().flush();
    return ExitCodes.OK;
  }
}

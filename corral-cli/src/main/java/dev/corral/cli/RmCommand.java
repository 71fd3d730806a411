package dev.corral.cli;

import dev.corral.core.ExitCodes;
import dev.corral.core.UsageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code corral rm NAME}: removes a clone sandbox's workspace, asking first if work is unmerged.
 */
@Command(
    name = "rm",
    mixinStandardHelpOptions = true,
    description = {
      "Remove a clone sandbox's workspace: its clone, branch and saved work.",
      "Asks first when it holds work you did not merge or apply; --force does not ask."
    })
final class RmCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(paramLabel = "NAME", description = "The sandbox's name (see corral ls).")
  String name = "";

  @Option(names = "--force", description = "Remove without asking, even with unmerged work.")
  boolean force;

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  RmCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    var cl = spec.commandLine();
    WorkspaceRecovery.recover(ctx, cl, RootCommand.debug(spec));
    int unmerged = ctx.workspaces().unmergedCommits(name);
    if (unmerged > 0 && !force) {
      String what =
          name + " has " + unmerged + " commit(s) on corral/" + name + " you did not merge";
      if (!ctx.streams().terminal()) {
        throw new UsageException(
            "not removing " + what,
            "merge it (`corral merge "
                + name
                + "`), or remove it anyway with `corral rm "
                + name
                + " --force`");
      }
      cl.getErr().print("corral: " + what + ". Remove it and lose them? [y/N] ");
      cl.getErr().flush();
      if (!confirmed()) {
        cl.getErr().println("corral: kept " + name);
        cl.getErr().flush();
        return ExitCodes.USAGE;
      }
    }
    ctx.workspaces().remove(name);
    cl.getErr().println("corral: removed " + name);
    cl.getErr().flush();
    return ExitCodes.OK;
  }

  private boolean confirmed() {
    try {
      String line =
          new BufferedReader(new InputStreamReader(ctx.streams().in(), StandardCharsets.UTF_8))
              .readLine();
      return line != null && line.strip().toLowerCase(Locale.ROOT).matches("y|yes");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

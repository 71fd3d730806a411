package dev.corral.cli;

import dev.corral.core.ExitCodes;
import dev.corral.workspace.Workspaces;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code corral merge NAME}: merges a clone sandbox's branch into your current branch. */
@Command(
    name = "merge",
    mixinStandardHelpOptions = true,
    description = {
      "Merge a clone sandbox's branch into your current branch, after review.",
      "Refuses, changing nothing, on uncommitted changes, conflicts or blocking review findings."
    })
final class MergeCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(paramLabel = "NAME", description = "The sandbox's name (see corral ls).")
  String name = "";

  @Option(names = "--squash", description = "One commit instead of a merge commit.")
  boolean squash;

  @Option(
      names = "--accept-risk",
      description =
          "Merge despite blocking review findings; they are recorded in the commit message.")
  boolean acceptRisk;

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  MergeCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    var cl = spec.commandLine();
    WorkspaceRecovery.recover(ctx, cl, RootCommand.debug(spec));
    Workspaces.Merged merged =
        ctx.workspaces().merge(name, squash, acceptRisk, ReviewConfig.settings(ctx));
    var err = cl.getErr();
    if (!merged.acceptedFindings().isEmpty()) {
      err.println(
          "corral: accepted "
              + merged.acceptedFindings().size()
              + " blocking review finding(s); recorded in the commit message and the workspace");
    }
    err.println(
        "corral: merged corral/"
            + name
            + " as "
            + merged.commit().substring(0, 12)
            + "; remove the workspace with `corral rm "
            + name
            + "`");
    err.flush();
    return ExitCodes.OK;
  }
}
